"""A small bilingual (Spanish/English) glossary of FAQ concepts.

Retrieval must match "monthly fee?" to "¿Cuánto cuesta la pensión?" and
"profes" to "docentes" with no model in the loop.  Each line below is one
concept, Spanish words then ``|`` then English words: that ask for the same thing in an institution's FAQ (price,
schedule, enrolment, refund, teachers ...) plus common nouns of everyday
fields (food, money, study, health, travel, technology).  The lexical index
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
telefono celular numero whatsapp correo email contacto llamar escribir | phone telephone call number contact message mail
estacionamiento estacionar parqueo parquear cochera carro auto | parking park car
extranjero extranjeros extranjera | foreigner foreigners foreign international
hijo hijos hija hijas nino ninos nina ninas menor menores adolescente adolescentes | son daughter kids kid child children minor minors teen teenager
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
comer comida comidas almuerzo | eat eating food meal meals lunch
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
