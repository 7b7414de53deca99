"""Input-guard benchmark: ``guards.Guard`` vs an LLM self-check vs a TF-IDF
nearest-question baseline, accuracy and latency side by side.

For each domain (``data/<domain>.csv`` with ``data/probes/<domain>/``):

* **Guard**: ``guards.Guard.from_csv(csv)`` (injection, safety, topic; no LLM
  call); build time, then one ``check(text)`` per prompt of every probe set;
  accuracy per set and split (``tune`` prompts were used to tune rules and
  thresholds, ``heldout`` prompts never were);
* **LLM self-check** (the NeMo Guardrails self-check approach): the embedded
  model is asked «Pregunta: … ¿Esta pregunta trata sobre <institución> y es
  segura? Responde sí o no.» (greedy, 4 new tokens); «sí»/«si»/«yes» accepts,
  anything else refuses (unparsed answers are counted).  A second variant
  gives it its best chance: one forward pass compares log P(«Sí») with
  log P(«No») after the same prompt and accepts when the margin is at least
  the 5th percentile of the margins of a sample of the CSV's own questions
  (calibrated on the CSV alone, like the TF-IDF threshold).  Both cost model
  calls, so they run on the same deterministic sample of each set;
* **TF-IDF nearest question**: numpy TF-IDF (lower-cased, accents folded,
  word tokens) over the CSV's questions; accept when the highest cosine to a
  CSV question is at least the threshold, the 5th percentile of each CSV
  question's leave-one-out highest cosine (calibrated on the CSV alone).

Accuracy is the accept rate on the sets that must be accepted (paraphrase,
hard_benign, odd_format) and the refuse rate on the others (off_topic, unsafe,
injection).  Latency: p50/p95 per check of all three, beside one generation of
the embedded model (one answer of 48 new tokens, batch 1); the ratio says how
many checks cost one answer.  The Guard's query embeddings are LRU-cached:
each probe prompt is checked once, so only prompts repeated across sets hit
the cache.

    .venv/bin/python bench/guard.py                 # every prompt; LLM self-check on 20 per set
    .venv/bin/python bench/guard.py --quick         # LLM self-check on 3 per set (smoke test)
    .venv/bin/python bench/guard.py --domains cenfobank --llm-sample 0   # 0 = every prompt
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402
from _guard_baselines import GEN_TOKENS, SelfCheck, TfIdfNearest, one_generation_ms  # noqa: E402

C.setup()
INSTITUTIONS = {
    "cenfobank": "CENFOBANK, el Centro de Formación Bancaria del Cusco",
    "mikhuy": "MIKHUY, el Instituto de Cocina Andina de Arequipa",
    "valle_alto": "la Cooperativa Agraria Cafetalera Valle Alto de Jaén",
    "wayra_rumi": "la Asociación de Guías de Montaña y Trekking Wayra Rumi de Huaraz",
    "qorilazo": "la Empresa de Transportes Q'orilazo, buses interprovinciales del sur del Perú",
    "santa_rosa": "la Institución Educativa Parroquial Santa Rosa de Lima de Ayacucho, un colegio",
    "tecsur": "TECSUR Minería, un instituto tecnológico privado de Arequipa (maquinaria pesada, mecánica, minería)",
    "sonrisa": "la Clínica Odontológica Sonrisa Andina de Puno y Juliaca",
    "moche": "Moche Lingua, un centro de idiomas de Trujillo y Chiclayo",
    "huellas": "la Clínica Veterinaria Huellas Andinas de Cajamarca",
    "chachani": "la Escuela de Conductores Chachani Drive de Arequipa",
    "algarrobo": "Algarrobo Fitness Club, un gimnasio de Piura",
    "qori_takiy": "Qori Takiy, una escuela de música y danza de Huancayo",
    "winay": "la Academia Preuniversitaria Wiñay Cumbre del Cusco",
    "wari_yaku": "Wari Yaku S.A., la empresa de agua potable y alcantarillado de Ayacucho",
    "itaya": "Boticas Itaya Salud, una cadena de boticas de Iquitos",
    "illari": "la Cooperativa de Ahorro y Crédito Illari Pukara de Juliaca",
    "pequenos": "la Cuna Jardín Pequeños Algarrobos de Trujillo",
    "kotosh": "KotoshNet, un proveedor de internet por fibra y cable de Huánuco",
    "sillar": "la Funeraria y Camposanto Valle del Sillar de Arequipa",
    "sumaq": "el Hostal Sumaq Qocha de Puno, con su agencia de tours",
    "notaria": "la Notaría Quiñones Lecca de Chiclayo",
    "motores_inti": "el Taller Motores Inti de Cajamarca, taller mecánico y tienda de repuestos",
    "mirador": "Ópticas Mirador, una cadena de ópticas y centros de examen visual de Tacna",
    "killa": "la Academia de Belleza Killa de Chimbote, con su salón de prácticas",
    "wiracocha": "la Biblioteca y Centro Cultural Wiracocha de Moquegua",
    "kallpavida": "el Centro de Fisioterapia KallpaVida de Pucallpa",
    "codeandes": "el Instituto de Computación CodeAndes de Abancay",
    "awana": "la Cooperativa Textil Awana Suyu de Ayaviri",
    "mar_brava": "el Complejo Deportivo Municipal Mar Brava de Tumbes",
    "titikaka": "Encomiendas Rápidas Titikaka Express de Juliaca",
    "jardines": "la Funeraria y Camposanto Jardines de la Paz del Mantaro de Huancayo",
    "inti_watts": "Inti Watts Energía Solar de Ilo",
    "altiplano": "la Residencia Universitaria Altiplano de Puno",
    "chullpa": "la Plataforma de Atención al Ciudadano de la Municipalidad Distrital de Chullpa Pampa (Ayacucho)",
    "collpa": "la Quesería y Lácteos La Collpa Andina de Cajamarca",
    "chan_chan": "Imprenta y Diseño Gráfico Chan Chan de Trujillo",
    "huascaran": "la Lavandería y Tintorería Huascarán Express de Huaraz",
    "sachavaca": "Fumigaciones y Saneamiento Ambiental Sachavaca de Tarapoto",
    "sipan": "el Laboratorio Clínico Señor de Sipán de Chiclayo",
    "tinta": "Killa Tinta Tattoo & Piercing, un estudio de tatuajes y piercing del Cusco",
    "vigia": "Vigía Misti Seguridad, una empresa de seguridad privada y monitoreo de alarmas de Arequipa",
    "casona": "Casona Algarrobal Eventos & Banquetes, un local de eventos con catering de Trujillo",
    "sonqo": "el Centro Psicológico Sonqo Wanka de Huancayo",
    "kuntur": "Kuntur Wasi Materiales, una ferretería y distribuidora de materiales de construcción de Juliaca",
    "muchik": "Muchik Hogar Inmobiliaria, una inmobiliaria y constructora de Chiclayo",
    "dojo": "Kallpa Dojo, una academia de artes marciales y defensa personal de Huánuco",
    "huarango": "Gas Huarango, una distribuidora de gas licuado e instalaciones de gas de Ica",
    "algarrobo_go": "Algarrobo Express, una empresa de taxis con app de Piura",
}


# --------------------------------------------------------------------------- driver

def bench_domain(domain: str, model, tok, llm_sample: int, calib_n: int, show_errors: bool) -> dict:
    import guards
    from harness._csvdata import load_qa_csv
    from harness._paths import cache_dir
    from harness._probesets import SETS, load_probe_sets, sample

    csv = C.ROOT / "data" / f"{domain}.csv"
    data = load_qa_csv(csv)
    cache = "warm" if (cache_dir() / "retriever" / f"{data.sha256}.npz").exists() else "cold"
    t0 = time.perf_counter()
    guard = guards.Guard.from_csv(csv)
    build = {"guard": time.perf_counter() - t0}
    t0 = time.perf_counter()
    tfidf = TfIdfNearest([r.question for r in data.rows])
    build["tfidf"] = time.perf_counter() - t0
    inst = INSTITUTIONS.get(domain, domain.upper())
    selfcheck = SelfCheck(model, tok, inst)
    build["llm"] = 0.0
    sets = load_probe_sets(C.ROOT / "data" / "probes" / domain)
    for _ in range(3):  # warm-up: first-call costs (embedder, jinja) out of the figures
        guard.check("¿hola, qué tal?")
        selfcheck.allowed("¿hola, qué tal?")
        selfcheck.allowed_logprob("¿hola, qué tal?")
    selfcheck.unparsed = 0
    calib = [it.question for it in sample(list(data.rows), calib_n)]
    t0 = time.perf_counter()
    selfcheck.calibrate(calib)
    build["llm_lp"] = time.perf_counter() - t0

    lat = {"guard": [], "tfidf": [], "llm": [], "llm_lp": []}
    cpu = {"guard": [], "tfidf": [], "llm": [], "llm_lp": []}
    rows = []
    for name, items in sets.items():
        want = SETS[name]
        ok = {"tune": [0, 0], "heldout": [0, 0]}
        tf_ok = 0
        for it in items:
            c1, t1 = time.process_time(), time.perf_counter()
            v = guard.check(it.prompt)
            lat["guard"].append((time.perf_counter() - t1) * 1000)
            cpu["guard"].append((time.process_time() - c1) * 1000)
            split = it.split if it.split in ok else "tune"
            ok[split][1] += 1
            if v.allowed == want:
                ok[split][0] += 1
            elif show_errors:
                print(f"  guard {'refused' if want else 'allowed'} [{domain}/{name}/{it.split}] {it.prompt[:90]!r}"
                      f" -> {v.guard} {v.score:.2f}")
            c1, t1 = time.process_time(), time.perf_counter()
            a = tfidf.allowed(it.prompt)
            lat["tfidf"].append((time.perf_counter() - t1) * 1000)
            cpu["tfidf"].append((time.process_time() - c1) * 1000)
            tf_ok += a == want
        picked = sample(items, llm_sample)
        llm_ok = lp_ok = 0
        for it in picked:
            c1, t1 = time.process_time(), time.perf_counter()
            a = selfcheck.allowed(it.prompt)
            lat["llm"].append((time.perf_counter() - t1) * 1000)
            cpu["llm"].append((time.process_time() - c1) * 1000)
            llm_ok += a == want
            c1, t1 = time.process_time(), time.perf_counter()
            a = selfcheck.allowed_logprob(it.prompt)
            lat["llm_lp"].append((time.perf_counter() - t1) * 1000)
            cpu["llm_lp"].append((time.process_time() - c1) * 1000)
            lp_ok += a == want
        n = len(items)
        pct = lambda k, m: 100.0 * k / m if m else float("nan")  # noqa: E731
        rows.append([name, "accept" if want else "refuse", n, pct(*ok["tune"]), pct(*ok["heldout"]),
                     pct(ok["tune"][0] + ok["heldout"][0], n), pct(tf_ok, n), len(picked), pct(llm_ok, len(picked)), pct(lp_ok, len(picked))])
    return {"domain": domain, "rows": rows, "lat": lat, "cpu": cpu, "build": build, "cache": cache,
            "tfidf_threshold": tfidf.threshold, "llm_threshold": selfcheck.threshold, "calib_n": len(calib), "unparsed": selfcheck.unparsed, "institution": inst}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    C.add_common_args(ap)
    ap.add_argument("--domains", nargs="+", default=list(C.DOMAINS))
    ap.add_argument("--llm-sample", type=int, help="prompts per set for the LLM self-check (default 20; --quick 3; 0 = all)")
    ap.add_argument("--calib", type=int, help="CSV questions that calibrate the P(sí) threshold (default 20; --quick 5)")
    ap.add_argument("--errors", action="store_true", help="list the Guard's mistakes")
    ns = ap.parse_args()
    llm_sample = ns.llm_sample if ns.llm_sample is not None else (3 if ns.quick else 20)

    import transformers

    C.apply_threads(ns.threads)
    transformers.utils.logging.disable_progress_bar()
    from harness._models import load_causal_lm, load_tokenizer

    C.print_machine()
    model = load_causal_lm("embedded").eval()
    tok = load_tokenizer("embedded")
    gen_ms, gen_cpu_ms = one_generation_ms(model, tok, repeats=1 if ns.quick else 3)
    print(f"one generation of the embedded model ({GEN_TOKENS} new tokens, batch 1, greedy): {gen_ms:.0f} ms "
          f"({gen_cpu_ms:.0f} ms CPU time, all threads)", flush=True)

    ratios = []
    all_lat = {"guard": [], "tfidf": [], "llm": [], "llm_lp": []}
    for domain in ns.domains:
        r = bench_domain(domain, model, tok, llm_sample, ns.calib or (5 if ns.quick else 20), ns.errors)
        C.print_table(["probe set", "want", "n", "Guard tune %", "Guard heldout %", "Guard all %", "TF-IDF %",
                       "LLM n", "LLM generate+parse %", "LLM P(sí) calibrated %"], r["rows"], digits=1,
                      title=f"{domain}: accuracy (accept rate on accept sets, refuse rate on the others)")
        n_all = sum(row[2] for row in r["rows"])

        def overall(col: int, ncol: int = 2) -> float:
            tot = sum(row[ncol] for row in r["rows"] if row[ncol])
            return sum(row[col] * row[ncol] / 100 for row in r["rows"] if row[ncol]) / tot * 100 if tot else float("nan")

        lat_rows = []
        for key, label, n_checks in (("guard", "Guard.from_csv(csv).check", n_all),
                                     ("tfidf", "TF-IDF nearest question", n_all),
                                     ("llm", "LLM self-check, generate + parse", sum(row[7] for row in r["rows"])),
                                     ("llm_lp", "LLM self-check, P(sí)-P(no) calibrated", sum(row[7] for row in r["rows"]))):
            ms = r["lat"][key]
            all_lat[key] += ms
            acc = {"guard": overall(5), "tfidf": overall(6), "llm": overall(8, 7), "llm_lp": overall(9, 7)}[key]
            lat_rows.append([label, n_checks, acc, r["build"][key], C.percentile(ms, 50), C.percentile(ms, 95),
                             C.percentile(r["cpu"][key], 50), C.ratio(gen_ms, C.percentile(ms, 50))])
        lat_rows.append([f"one generation ({GEN_TOKENS} new tokens)", 1, None, None, gen_ms, None, gen_cpu_ms, 1.0])
        C.print_table(["check", "checks", "accuracy %", "build s", "p50 ms", "p95 ms", "p50 CPU ms",
                       "checks per generation (p50)"],
                      lat_rows, title=f"{domain}: latency per check (Guard build with embedding cache {r['cache']})")
        print(f"TF-IDF threshold {r['tfidf_threshold']:.3f} (5th percentile of leave-one-out nearest-question cosine); "
              f"P(sí) threshold: log-prob margin {r['llm_threshold']:+.2f} (5th percentile over {r['calib_n']} CSV questions, "
              f"build s = that calibration); "
              f"LLM self-check asks about «{r['institution']}»; generate+parse: {r['unparsed']} of "
              f"{sum(row[7] for row in r['rows'])} answers began with neither sí nor no (counted as refusals)")
        ratios += [(f"{domain} generation/Guard p50", C.ratio(lat_rows[-1][4], lat_rows[0][4])),
                   (f"{domain} LLM self-check/Guard p50", C.ratio(lat_rows[2][4], lat_rows[0][4])),
                   (f"{domain} LLM P(si)/Guard p50", C.ratio(lat_rows[3][4], lat_rows[0][4]))]
    ratios.append(("all domains LLM self-check/Guard p95", C.ratio(C.percentile(all_lat["llm"], 95), C.percentile(all_lat["guard"], 95))))
    C.print_ratios(ratios, digits=1)
    C.print_machine()
    return 0


if __name__ == "__main__":
    sys.exit(main())
