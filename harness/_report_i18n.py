"""User-interface strings of the HTML report, in Spanish and English.

``strings(lang)`` returns one flat dict; the template reads ``t.key``.  Names
of systems, probe sets and finding kinds get a short label and a one-line
description so a training manager can read the tables without the code.
"""

from __future__ import annotations

ES = {
    "title": "Informe de centinela", "generated": "Generado", "run": "Ejecución", "runs": "Ejecuciones",
    "nav_verdict": "Veredicto", "nav_compare": "Comparación", "nav_facts": "Datos de la ejecución",
    "nav_training": "Entrenamiento", "nav_systems": "Sistemas", "nav_guard": "Filtro de entrada",
    "nav_failures": "Ejemplos de fallos", "nav_questions": "Preguntas",
    "verdict_pass": "APTO: el chatbot supera todos los umbrales de la prueba",
    "verdict_fail": "NO APTO: el chatbot no supera la prueba",
    "verdict_not_run": "SIN VEREDICTO: la prueba no se ejecutó (ejecute pytest probes/)",
    "gate_not_run": "La prueba de aceptación no se ejecutó: ejecute pytest probes/",
    "gate_partial": "Prueba parcial: no se ejecutaron todos los módulos de pytest probes/.",
    "skipped_checks": "Comprobaciones omitidas", "why": "por qué este umbral",
    "gate_failed_no_checks": "La prueba falló (código de salida {code}) sin ningún umbral no superado: "
                             "revise la salida de pytest probes/.",
    "failed_checks": "Umbrales no superados", "all_checks": "Todas las comprobaciones",
    "check": "Comprobación", "value": "Valor", "threshold": "Umbral", "margin": "Diferencia",
    "reason": "Motivo", "passed": "Superada", "failed": "No superada",
    "floor_tie": "Ningún sistema con modelo supera a la recuperación simple (ROUGE-L en dominio): el mejor, "
                 "{best_system}, empata con «retrieval» en {best}. Devolver la respuesta del CSV más parecida "
                 "funcionaría igual de bien, sin los riesgos de un modelo.",
    "floor_below": "Ningún sistema con modelo supera a la recuperación simple (ROUGE-L en dominio): "
                  "el mejor, {best_system}, obtiene {best} frente a {retrieval} de «retrieval». "
                  "Devolver la respuesta del CSV más parecida funcionaría mejor que el chatbot.",
    "floor_beaten": "{best_system} supera a la recuperación simple en ROUGE-L en dominio: {best} frente a {retrieval}.",
    "floor_unknown": "Sin sistema «retrieval» o sin datos en dominio: no se puede comparar con la recuperación simple.",
    "ship_figures": "Cifras del sistema que se entregaría", "shipping": "sistema a entregar",
    "facts_model": "Modelo base", "facts_adapter": "Adaptador", "facts_csv": "CSV", "facts_rows": "filas",
    "facts_created": "Creada", "facts_train": "Entrenamiento", "facts_result": "Resultado",
    "facts_prompt": "Formato del prompt", "facts_system_prompt": "Prompt de sistema",
    "facts_grounded": "Con fichas del CSV", "facts_fingerprint": "Huella", "facts_timings": "Tiempos (s)",
    "facts_machine": "Máquina", "facts_probes": "Conjuntos de prueba", "facts_full_config": "Configuración completa",
    "steps": "pasos", "final_loss": "pérdida final", "seconds": "segundos", "device": "dispositivo",
    "yes": "sí", "no": "no",
    "loss_title": "Pérdida de entrenamiento por paso", "loss_none": "Sin loss.jsonl: no hay curva de pérdida.",
    "step": "paso", "loss": "pérdida",
    "systems_intro": "Cifras por sistema. ROUGE-L y cobertura de datos se miden en las preguntas en dominio "
                     "no literales (paráfrasis, casos difíciles, formato raro); las tasas son proporciones de respuestas.",
    "system": "Sistema", "set": "Conjunto", "n": "n", "per_set": "Detalle por sistema y conjunto",
    "chart_quality": "Calidad de respuesta (más alto es mejor)", "chart_problems": "Problemas en respuestas en dominio (más bajo es mejor)",
    "chart_refusals": "Rechazos: falsos en dominio (bajo) y correctos fuera de dominio (alto)",
    "chart_latency": "Latencia media por respuesta (ms)", "chart_compare": "ROUGE-L en dominio por ejecución",
    "chart_guard": "Filtro de entrada: tasa de aceptación por conjunto",
    "guard_intro": "El filtro de entrada decide qué preguntas llegan al modelo. En dominio debe aceptar; "
                   "fuera de tema, peligrosas e inyecciones debe rechazar. «held-out» son preguntas nunca usadas para ajustar reglas.",
    "expected": "Esperado", "accept": "aceptar", "refuse": "rechazar", "accepted": "Aceptadas", "refused": "Rechazadas",
    "accept_rate": "Tasa de aceptación", "heldout": "held-out", "tune": "ajuste", "correct": "Aciertos",
    "p50": "p50 ms", "p95": "p95 ms", "by_guard": "Rechazado por", "guard_none": "Sin datos del filtro de entrada.",
    "guard_errors": "Errores del filtro (hasta {n} por tipo)", "guard_false_refusals": "Preguntas legítimas rechazadas",
    "guard_misses": "Preguntas que debía rechazar y aceptó", "guard": "Filtro", "score": "Puntuación",
    "failures_intro": "Ejemplos reales de cada tipo de problema; el fragmento señalado es el que detectó la comprobación.",
    "failures_none": "Ningún hallazgo de este tipo.", "detail": "Detalle", "answers_word": "respuestas",
    "facts_short": "Datos", "csv_says": "Contra el CSV",
    "prompt": "Pregunta", "answer": "Respuesta", "raw_answer": "Respuesta del modelo antes del filtro",
    "reference": "Referencia (CSV)", "action": "Acción", "findings": "Hallazgos", "latency": "ms",
    "questions_intro": "Todas las respuestas, peor ROUGE-L primero. Haga clic en un encabezado para ordenar.",
    "filter_placeholder": "Filtrar por texto…", "all_systems": "Todos los sistemas", "all_sets": "Todos los conjuntos",
    "all_runs": "Todas las ejecuciones", "only_findings": "Solo con hallazgos", "showing": "Mostrando",
    "of": "de", "no_answers": "Sin answers.jsonl: no hay respuestas que mostrar.", "none": "—",
    "compare_intro": "Cifras clave por ejecución; Δ es la diferencia con la primera ejecución "
                     "(verde = mejor, rojo = peor).", "metric": "Cifra", "delta": "Δ",
    "verdict_short_pass": "APTO", "verdict_short_fail": "NO APTO", "verdict_short_not_run": "SIN PRUEBA",
    "epochs": "épocas", "train_seconds": "segundos de entrenamiento",
}

EN = {
    "title": "centinela report", "generated": "Generated", "run": "Run", "runs": "Runs",
    "nav_verdict": "Verdict", "nav_compare": "Comparison", "nav_facts": "Run facts", "nav_training": "Training",
    "nav_systems": "Systems", "nav_guard": "Input guard", "nav_failures": "Failure examples",
    "nav_questions": "Questions",
    "verdict_pass": "READY: the chatbot passes every threshold of the gate",
    "verdict_fail": "NOT READY: the chatbot fails the gate",
    "verdict_not_run": "NO VERDICT: the gate was not run (run pytest probes/)",
    "gate_not_run": "gate not run: run pytest probes/",
    "gate_partial": "Partial gate: not every module of pytest probes/ was run.",
    "skipped_checks": "Skipped checks", "why": "why this threshold",
    "gate_failed_no_checks": "The gate failed (exit status {code}) with no failed threshold recorded: "
                             "read the output of pytest probes/.",
    "failed_checks": "Failed thresholds", "all_checks": "All checks",
    "check": "Check", "value": "Value", "threshold": "Threshold", "margin": "Margin",
    "reason": "Reason", "passed": "Passed", "failed": "Failed",
    "floor_tie": "No model system beats plain retrieval on in-domain ROUGE-L: the best, {best_system}, ties "
                 "with 'retrieval' at {best}. Returning the closest CSV answer would work as well, without a "
                 "model's risks.",
    "floor_below": "No model system beats plain retrieval on in-domain ROUGE-L: the best, {best_system}, "
                  "scores {best} against {retrieval} for 'retrieval'. Returning the closest CSV answer "
                  "would work better than the chatbot.",
    "floor_beaten": "{best_system} beats plain retrieval on in-domain ROUGE-L: {best} against {retrieval}.",
    "floor_unknown": "No 'retrieval' system or no in-domain data: cannot compare with plain retrieval.",
    "ship_figures": "Figures of the system that would ship", "shipping": "shipping system",
    "facts_model": "Base model", "facts_adapter": "Adapter", "facts_csv": "CSV", "facts_rows": "rows",
    "facts_created": "Created", "facts_train": "Training", "facts_result": "Result",
    "facts_prompt": "Prompt format", "facts_system_prompt": "System prompt",
    "facts_grounded": "With CSV rows in prompt", "facts_fingerprint": "Fingerprint", "facts_timings": "Timings (s)",
    "facts_machine": "Machine", "facts_probes": "Probe sets", "facts_full_config": "Full configuration",
    "steps": "steps", "final_loss": "final loss", "seconds": "seconds", "device": "device",
    "yes": "yes", "no": "no",
    "loss_title": "Training loss per step", "loss_none": "No loss.jsonl: no loss curve.",
    "step": "step", "loss": "loss",
    "systems_intro": "Figures per system. ROUGE-L and fact recall are measured on the non-verbatim in-domain "
                     "questions (paraphrase, hard benign, odd format); rates are shares of answers.",
    "system": "System", "set": "Set", "n": "n", "per_set": "Detail per system and probe set",
    "chart_quality": "Answer quality (higher is better)", "chart_problems": "Problems in in-domain answers (lower is better)",
    "chart_refusals": "Refusals: false in-domain (low) and correct out-of-domain (high)",
    "chart_latency": "Mean latency per answer (ms)", "chart_compare": "In-domain ROUGE-L per run",
    "chart_guard": "Input guard: accept rate per probe set",
    "guard_intro": "The input guard decides which questions reach the model. It must accept in-domain "
                   "questions and refuse off-topic, unsafe and injection prompts. Held-out prompts were never used to tune rules.",
    "expected": "Expected", "accept": "accept", "refuse": "refuse", "accepted": "Accepted", "refused": "Refused",
    "accept_rate": "Accept rate", "heldout": "held-out", "tune": "tune", "correct": "Correct",
    "p50": "p50 ms", "p95": "p95 ms", "by_guard": "Refused by", "guard_none": "No input-guard data.",
    "guard_errors": "Guard errors (up to {n} per kind)", "guard_false_refusals": "Legitimate questions refused",
    "guard_misses": "Prompts it should refuse but accepted", "guard": "Guard", "score": "Score",
    "failures_intro": "Real examples of each kind of problem; the highlighted span is what the check flagged.",
    "failures_none": "No finding of this kind.", "detail": "Detail", "answers_word": "answers",
    "facts_short": "Facts", "csv_says": "Against the CSV",
    "prompt": "Question", "answer": "Answer", "raw_answer": "Model answer before the guard",
    "reference": "Reference (CSV)", "action": "Action", "findings": "Findings", "latency": "ms",
    "questions_intro": "Every answer, worst ROUGE-L first. Click a header to sort.",
    "filter_placeholder": "Filter by text…", "all_systems": "All systems", "all_sets": "All sets",
    "all_runs": "All runs", "only_findings": "Only with findings", "showing": "Showing",
    "of": "of", "no_answers": "No answers.jsonl: no answers to show.", "none": "—",
    "compare_intro": "Key figures per run; Δ is the difference from the first run (green = better, red = worse).",
    "metric": "Figure", "delta": "Δ",
    "verdict_short_pass": "READY", "verdict_short_fail": "NOT READY", "verdict_short_not_run": "NO GATE",
    "epochs": "epochs", "train_seconds": "training seconds",
}

METRICS = {
    "es": {"rouge_l": "ROUGE-L en dominio", "fact_recall": "Cobertura de datos", "verbatim_rouge_l": "ROUGE-L literal",
           "memorisation_gap": "Brecha de memorización", "false_refusal": "Falsos rechazos (dominio)",
           "refused_off_topic": "Rechazo fuera de tema", "refused_unsafe": "Rechazo peligrosas",
           "refused_injection": "Rechazo inyección", "unsupported_fact": "Datos inventados",
           "repetition": "Repetición", "truncated": "Cortadas", "stray_token": "Tokens sueltos",
           "no_direct_answer": "Sin respuesta directa", "fallback": "Respuesta de respaldo", "latency_ms": "Latencia ms"},
    "en": {"rouge_l": "In-domain ROUGE-L", "fact_recall": "Fact recall", "verbatim_rouge_l": "Verbatim ROUGE-L",
           "memorisation_gap": "Memorisation gap", "false_refusal": "False refusals (in-domain)",
           "refused_off_topic": "Off-topic refused", "refused_unsafe": "Unsafe refused",
           "refused_injection": "Injection refused", "unsupported_fact": "Unsupported facts",
           "repetition": "Repetition", "truncated": "Truncated", "stray_token": "Stray tokens",
           "no_direct_answer": "No direct answer", "fallback": "Fallback answers", "latency_ms": "Latency ms"},
}

SYSTEMS = {
    "es": {"retrieval": "respuesta del CSV más parecida, sin modelo: el piso", "tuned": "modelo ajustado, solo la pregunta",
           "grounded": "modelo ajustado con las fichas del CSV recuperadas en el prompt",
           "tuned+grounded": "adaptador entrenado con fichas, consultado con fichas",
           "guarded": "configuración a entregar: filtro de entrada, modelo, filtro de salida con respaldo del CSV",
           "base": "modelo sin ajustar: referencia de seguridad"},
    "en": {"retrieval": "closest CSV answer, no model: the floor", "tuned": "fine-tuned model, question only",
           "grounded": "fine-tuned model with retrieved CSV rows in the prompt",
           "tuned+grounded": "adapter trained with CSV rows, queried with them",
           "guarded": "shipping configuration: input guard, model, output guard with CSV fallback",
           "base": "untuned model: safety baseline"},
}

SETS = {
    "es": {"verbatim": "literal (preguntas del CSV)", "paraphrase": "paráfrasis", "hard_benign": "difíciles pero legítimas",
           "odd_format": "formato raro", "off_topic": "fuera de tema", "unsafe": "peligrosas", "injection": "inyección"},
    "en": {"verbatim": "verbatim (CSV questions)", "paraphrase": "paraphrase", "hard_benign": "hard but benign",
           "odd_format": "odd format", "off_topic": "off-topic", "unsafe": "unsafe", "injection": "injection"},
}

KINDS = {
    "es": {"repetition": "Repetición", "unsupported_fact": "Dato no respaldado por el CSV (alucinación)",
           "stray_token": "Token suelto o de plantilla", "truncated": "Respuesta cortada",
           "refusal": "Rechazo de una pregunta legítima", "no_direct_answer": "No responde a lo preguntado",
           "ungrounded": "No trata de las filas recuperadas del CSV"},
    "en": {"repetition": "Repetition", "unsupported_fact": "Fact not supported by the CSV (hallucination)",
           "stray_token": "Stray or template token", "truncated": "Truncated answer",
           "refusal": "Refusal of a legitimate question", "no_direct_answer": "Does not answer the question",
           "ungrounded": "About none of the retrieved CSV rows"},
}


def strings(lang: str) -> dict:
    """All UI strings of ``lang`` (``es`` or ``en``), plus label tables."""
    if lang not in ("es", "en"):
        raise ValueError(f"unknown report language {lang!r}; use 'es' or 'en'")
    base = dict(ES if lang == "es" else EN)
    base.update(metric_label=METRICS[lang], system_desc=SYSTEMS[lang], set_label=SETS[lang], kind_label=KINDS[lang])
    return base
