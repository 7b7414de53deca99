"""A small bilingual (Spanish/English) glossary of FAQ concepts.

Retrieval must match "monthly fee?" to "¿Cuánto cuesta la pensión?" and
"profes" to "docentes" with no model in the loop.  Each line below is one
concept, Spanish words then ``|`` then English words: that ask for the same thing in an institution's FAQ (price,
schedule, enrolment, refund, teachers ...) plus common nouns of everyday
fields (food, money, study, health, travel, technology), and what people ask
institutions of some twenty other kinds (tour operators and guides, hotels,
health posts, vets, farms and cooperatives, utilities, municipalities,
libraries, radios, gyms, schools, churches, shops, transport, NGOs): book,
cancel, rent, borrow, luggage, receipt, permit, appointment, harvest, meter ...  The lexical index
adds the concept as an extra term next to each word's stem, on both the CSV
side and the query side, so the concept matches across synonyms and
languages while the word itself still matches exactly.

It is generic on purpose: it names no institution and no CSV row.  Words are
written folded (lower case, no accents); :func:`concept_map` also indexes
their stems.
"""

from __future__ import annotations

from functools import lru_cache

GROUPS = """
donde adonde | where whereabouts
cuando | when
quien quienes | who whom
cuanto cuanta cuantos cuantas | much many
precio precios costo costos cuesta cuestan cuestas vale valen sale salen tarifa tarifas monto cobran cobra cobro inversion mensualidad pension pensiones cuota cuotas pagar pagan paga pagas pagamos pago mes mensual mensuales | price prices pricing cost costs fee fees tuition charge charges expensive cheap pay paying monthly
pago pagos pagar pagan abonar abono deposito transferencia efectivo yape plin fraccionar | payment payments paying cash installments transfer deposit
horario horarios hora horas turno turnos | schedule schedules timetable time times hours shift shifts
inicio inician inicia empiezan empieza empezar comienzan comienza comenzar fecha fechas arranca | start starts starting begin begins date dates
dura duran duracion durar meses semanas | long duration lasts last length weeks months
ubicacion ubicado ubicados ubicada direccion queda quedan local sede sedes | address located location locations campus branch branches
llegar llego llega transporte bus buses combi taxi micro paradero | transport
inscripcion inscripciones inscribo inscribirme inscribir inscribe matricula matriculas matricularme matricular admision postular postulo postulacion | enroll enrol enrolling enrollment enrolment register registration signup apply application admission admissions join
requisito requisitos necesito necesita documentos papeles | requirements requirement requisites documents paperwork papers need
material materiales implementos utensilios equipo equipos kit herramientas | materials supplies equipment tools gear utensils
ingrediente ingredientes insumos | ingredients groceries
docente docentes profesor profesores profesora profes profe maestro maestros instructor instructores | teacher teachers professor professors instructors staff faculty tutor tutors
alumno alumnos alumna alumnas estudiante estudiantes | student students pupils
certificado certificados titulo titulos diploma diplomas constancia certificacion grado | certificate certificates degree degrees title certification
beca becas descuento descuentos rebaja | scholarship scholarships discount discounts
devolucion devuelven devolver reembolso reembolsan reembolsar | refund refunds reimburse reimbursement
retiro retirarme retirar abandonar dejar | withdraw withdrawal drop quit leave
asistencia asistir faltas falta faltar inasistencia inasistencias tardanza tardanzas | absences absence attendance absent miss
nota notas calificacion calificaciones aprobar aprobatoria aprobado desaprobar desaprobado jalar jale | grade grades grading passing pass fail failing marks
examen examenes evaluacion evaluaciones prueba pruebas | exam exams test tests assessment
recuperacion rezagado sustitutorio | makeup retake resit
practicas practica pasantia pasantias practicante | internship internships intern placement placements
trabajo trabajos empleo empleos chamba bolsa empleabilidad | job jobs employment work hiring
telefono celular numero whatsapp wsp wasap guasap correo email contacto llamar escribir | phone telephone call number contact message mail
estacionamiento estacionar parqueo parquear cochera carro auto | parking park car
extranjero extranjeros extranjera | foreigner foreigners foreign international
hijo hijos hija hijas nino ninos nina ninas menor menores adolescente adolescentes chibolo chibolos chibola chibolas | son daughter kids kid child children minor minors teen teenager
edad edades anos | age ages old
virtual virtuales online remoto remota distancia zoom internet | remote online
curso cursos carrera carreras programa programas taller talleres modulo modulos diplomado | course courses career careers program programs programme workshop workshops module modules
clase clases sesion sesiones aula aulas | class classes lesson lessons session sessions classroom
cocina cocinar cocinero cocineros culinaria gastronomia | cook cooking cooks cookery chef culinary kitchen cuisine
pasteleria pastelero repostero reposteria postre postres torta pastel | pastry pastries dessert desserts cake cakes baking
panaderia panadero pan panes | bakery baker bread
cocteleria coctel cocteles bartender bartenders barra | cocktail cocktails mixology drinks bar
cafe barismo barista baristas cafeteria | coffee espresso barista
cuchillo cuchillos | knife knives
vegetariano vegetariana vegetarianos vegano vegana veganos | vegetarian vegan
carne carnes carniceria | meat butcher butchery
pescado pescados mariscos | fish seafood
uniforme uniformes gorro chaqueta filipina mandil delantal zapatos | uniform uniforms hat jacket apron shoes
alergia alergias alergico alergica alergenos | allergy allergies allergic allergen allergens
seguro seguros | insurance insured
biblioteca libros | library books
computadora computadoras laptop laptops computo | computer computers laptop
banco bancos bancaria bancario banca | bank banks banking
cuenta cuentas | account accounts
credito creditos prestamo prestamos | credit credits loan loans lending
ahorro ahorros ahorrar | saving savings
cajero cajeros cajera | cashier cashiers teller tellers
fundacion fundo fundaron fundada fundado historia | founded founding foundation history
director directora directores dirige directiva | head principal dean director
mision vision valores | mission vision values
autorizado autorizada licenciado licenciada acreditado acreditada acreditacion reconocido oficial | authorized accredited accreditation licensed recognized official
reclamo reclamos queja quejas reclamaciones | complaint complaints complain claim
congelar postergar pausar reservar suspender | freeze pause postpone defer suspend
feriado feriados vacaciones festivo | holiday holidays vacation vacations
sabado sabados domingo domingos fin semana | weekend weekends saturday saturdays sunday sundays
noche noches nocturno nocturna | night nights evening evenings
manana mananas | morning mornings
tarde tardes | afternoon afternoons
idioma idiomas ingles espanol quechua | language languages english spanish
quechua runasimi | quechua
comer comida comidas almuerzo | eat eating food meal meals lunch
equipaje equipajes maleta maletas mochila mochilas valija valijas bulto bultos | luggage baggage suitcase suitcases backpack backpacks bag bags
guardar guardan guardo guardarropa custodia dejar | storage store stored stow
casillero casilleros locker lockers | locker lockers
reserva reservas reservar reservo reservacion reservaciones separar separo | booking bookings book reservation reservations reserve
cancelar cancelo cancelacion anular anulacion | cancel cancels cancellation cancelling canceled cancelled
confirmar confirmo confirmacion confirmado | confirm confirms confirmation confirmed
cupo cupos vacante vacantes disponibilidad disponible | availability available vacancy vacancies spots
boleto boletos pasaje pasajes ticket tickets | ticket tickets fare fares
tour tours excursion excursiones paseo paseos recorrido recorridos | tour tours excursion excursions outing sightseeing
viaje viajes viajar viajero viajeros | travel traveling travelling traveler travelers journey
guia guias guiado | guide guides guided
porteador porteadores arriero arrieros | porter porters muleteer
mula mulas burro burros caballo caballos acemila acemilas | mule mules donkey donkeys horse horses
caminata caminatas trekking | hike hikes hiking trek trekking
sendero senderos ruta rutas trocha | trail trails route routes path
cumbre cumbres cima nevado nevados montana montanas | summit peak peaks mountain mountains
laguna lagunas lago lagos | lake lakes lagoon
campamento campamentos acampar camping | camp camping campsite campground
carpa carpas | tent tents
cuerda cuerdas soga sogas | rope ropes
botas botines calzado zapatillas | boots boot footwear sneakers
casco cascos | helmet helmets
mapa mapas croquis | map maps
altura altitud soroche aclimatacion aclimatar | altitude elevation acclimatization acclimatisation
clima climatico temperatura | weather climate temperature
lluvia lluvias llueve lluvioso | rain rains raining rainy
temporada temporadas | season seasons seasonal
peso pesa pesan kilo kilos kilogramos | weight weigh weighs kilo kilos kilograms
reglamento reglas regla normas norma | rules rule regulations policy policies
seguridad vigilancia serenazgo | safety security patrol
emergencia emergencias urgencia urgencias | emergency emergencies urgent
auxilios botiquin paramedico paramedicos | aid paramedic paramedics medkit
hotel hoteles hostal hostales hospedaje alojamiento albergue hospedarme alojarme | hotel hotels hostel hostels lodging accommodation
habitacion habitaciones cuarto cuartos | room rooms bedroom
cama camas camarote camarotes litera literas | bed beds bunk bunks
desayuno desayunos | breakfast breakfasts
llave llaves | key keys
wifi | wifi wireless hotspot
partida partidas salida salidas | departure departures depart departs
recoger recojo recogen recogida | pickup pick collect collection
rastrear rastreo seguimiento | track tracking trace
entrega entregar entregan envio envios enviar delivery despacho reparto | delivery deliver deliveries shipping ship
encomienda encomiendas paquete paquetes | parcel parcels package packages courier
alquiler alquilar alquilan alquilo rentar arriendo arrendar | rent rental renting hire lease
prestar prestan presta prestado | borrow borrowing borrowed
renovar renovacion renuevo | renew renewal renewing
perdi perdido perdida perder extravio extraviado | lost lose loss
reponer reposicion reemplazar reemplazo duplicado | replace replacement duplicate reissue
firma firmar firmo | sign signature signing
votar voto votos votacion eleccion elecciones | vote votes voting election elections
donar donacion donaciones donativo | donate donation donations
voluntario voluntarios voluntaria voluntariado | volunteer volunteers volunteering
vacuna vacunas vacunar vacunacion | vaccine vaccines vaccinate vaccination shot shots
mascota mascotas perro perros gato gatos | pet pets dog dogs cat cats
perrito perritos cachorro cachorros | puppy puppies pup canine
gata gatas gatito gatitos michi michis | kitten kittens feline kitty
esterilizar esterilizacion | spay spaying sterilize sterilise sterilization
castrar castracion | neuter neutering castrate castration
desparasitar desparasitacion desparasitante | deworm deworming dewormer worming
eutanasia | euthanasia euthanize euthanise
cuy cuyes | guinea cavy
vaca vacas ganado reses toro toros vaquillona vaquillonas ternero terneros | cow cows cattle bull bulls heifer heifers calf calves livestock
oveja ovejas carnero carneros cordero | sheep ewe ewes ram rams
laboratorio hemograma analisis | lab laboratory bloodwork
veterinario veterinaria veterinarios | vet vets veterinary veterinarian
corte cortes cortaron apagon apagones | outage outages cutoff disconnection blackout
conexion conexiones | connection connections hookup
medidor medidores | meter meters
agua potable desague alcantarillado | water sewage sewer potable
luz electricidad electrico energia | electricity electric power light energy
recibo recibos factura facturas comprobante comprobantes | receipt receipts invoice invoices bill bills
deuda deudas mora adeudo | debt debts overdue arrears
multa multas sancion sanciones penalidad penalidades | penalty penalties fine fines sanction
socio socios socia asociado asociados miembro miembros membresia membresias afiliado afiliados | member members membership memberships partner partners affiliate
asamblea asambleas reunion reuniones junta | assembly meeting meetings
cosecha cosechas cosechar | harvest harvests harvesting
cultivo cultivos sembrar siembra | crop crops planting sowing
granja granjas chacra chacras | farm farms plot field
cooperativa cooperativas | cooperative cooperatives coop
almacen almacenes acopio | warehouse warehouses storehouse stockpile
tienda tiendas bodega bodegas | shop shops
comprar compra compras vender venden venta ventas | buy buying purchase purchases sell selling
garantia garantias | warranty guarantee
farmacia farmacias botica boticas | pharmacy pharmacies drugstore chemist
medicina medicinas medicamento medicamentos pastilla pastillas remedio remedios | medicine medicines medication drug drugs pills
receta recetas recetario | prescription prescriptions recipe recipes
doctor doctora doctores medico medicos medica | doctor doctors physician
enfermera enfermeras enfermero enfermeria | nurse nurses nursing
posta postas clinica clinicas hospital hospitales policlinico | clinic clinics hospital hospitals healthcare
consulta consultas chequeo chequeos | consultation consultations checkup checkups
cita citas | appointment appointments
diente dientes muela muelas molar molares | tooth teeth molar molars
dentista dentistas odontologo odontologa odontologos odontologia | dentist dentists dentistry
protesis dentadura dentaduras | denture dentures prosthesis prostheses
curacion curaciones empaste empastes resina resinas | filling fillings composite
extraccion extracciones | extraction extractions removal
radiografia radiografias tomografia tomografias | xray xrays radiograph radiographs scan scans
embarazada embarazadas embarazo gestante gestantes prenada prenadas prenez | pregnant pregnancy
encia encias | gum gums
juicio | wisdom
bruxismo rechinar | bruxism grinding clenching
municipalidad municipio alcaldia alcalde | municipality council mayor townhall
licencia licencias brevete | license licence licenses licences
manejar manejo conducir chofer choferes conductor conductores | driving drive driver drivers chauffeur
permiso permisos | permit permits permission
dni identidad cedula pasaporte | identification identity passport
tarjeta tarjetas carnet carnets credencial | card cards badge
emisora emisoras radio radial | radio broadcast
anuncio anuncios aviso avisos comunicado comunicados publicidad | announcement announcements notice advertisement
gimnasio gimnasios | gym gyms fitness
entrenador entrenadores entrenamiento entrenar rutina rutinas | trainer coach coaches training workout workouts routine
deporte deportes deportivo | sport sports
universidad universidades | university universities college
cachimbo cachimbos ingresante ingresantes | freshman freshmen fresher
iglesia iglesias parroquia templo capilla | church churches parish chapel temple
misa misas culto | mass masses worship
bautizo bautismo bautizar | baptism christening baptize
matrimonio boda bodas casarse casamiento | wedding weddings marriage marry
funeraria funerarias velorio velatorio sepelio entierro | funeral funerals wake burial
cementerio nicho nichos | cemetery grave niche
defuncion fallecido fallecimiento difunto | death deceased died
auditorio salon salones sala salas | hall halls auditorium venue
oficina oficinas | office offices
recepcion recepcionista | reception receptionist
ventanilla ventanillas mostrador | counter counters window desk
coordinador coordinadora coordinacion | coordinator coordinators coordination
gerente gerencia administrador administradora encargado encargada | manager management administrator supervisor
dueno duena propietario propietaria | owner owners landlord proprietor
inquilino inquilinos | tenant tenants
jato casa casas vivienda domicilio | house home household residence
dinero plata lucas soles | money bucks soles
sencillo vuelto monedas moneda | coins coin
impuesto impuestos tributo tributos arbitrios predial | tax taxes levy property
basura residuos desechos | garbage trash rubbish waste
mantenimiento reparacion reparar arreglo averia | maintenance repair repairs fix broken breakdown
incluye incluido incluyen incluida | include includes included inclusive
llevar llevo traer traigo | bring carry pack
ropa abrigo abrigos casaca casacas | clothes clothing coat coats warm
vuelo vuelos aeropuerto avion | flight flights airport plane
terminal terminales terrapuerto | terminal station depot
retraso demora demoras atraso | delay delays delayed late
discapacidad discapacitado accesible accesibilidad | disability disabled accessible accessibility wheelchair
formulario formularios solicitud solicitudes ficha fichas | form forms request requests
plazo plazos vencimiento vence vencer caduca | deadline deadlines due expiry expires expiration
abierto abierta abren abre | open opens opening
cerrado cerrada cierran cierra | closed close closes closing
gratis gratuito gratuita gratuitos | free complimentary
""".strip().splitlines()


@lru_cache(maxsize=1)
def concept_map() -> dict[str, tuple[str, ...]]:
    """Folded word (and its stem) -> concept tokens ``"~<n>"``."""
    from ._lexical import stem

    out: dict[str, set[str]] = {}
    for n, line in enumerate(GROUPS):
        token = f"~{n}"
        for word in line.replace("|", " ").split():
            out.setdefault(word, set()).add(token)
            root = stem(word)
            if len(root) >= 4:  # short stems collide ("car" / "cara")
                out.setdefault(root, set()).add(token)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def english_map() -> dict[str, str]:
    """Folded Spanish word -> the first English word of its concept line.

    Used only to make English-ish copies of CSV questions when the topic
    guard calibrates (a word-by-word gloss, not a translation).
    """
    out: dict[str, str] = {}
    for line in GROUPS:
        spanish, _, english = line.partition("|")
        if english.split():
            for word in spanish.split():
                out.setdefault(word, english.split()[0])
    return out
