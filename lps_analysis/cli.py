"""The `lps` command: parse, call, print — no logic of its own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lps_analysis import cli_params, cli_run
from lps_analysis.errors import DataValidationError, UnknownScopeError
from lps_analysis.terminal import Column, inert, make_console, print_table

# The terminal's width on a terminal; plain lines, no boxes, when piped (see terminal.py).
console = make_console()

MAIN_EXAMPLES = """\b
例 / examples:
  lps run                                            全部范围与笔记本
  lps run --scope 520201 --notebook 1 --to html      钟山区的人才结构，只出 HTML
  lps validate 县级数据 && lps run --data 县级数据   先检查真实数据，再运行
"""

RUN_EXAMPLES = """\b
例 / examples:
  lps run --scope 520201 --notebook 1 --to html   钟山区的人才结构，只出 HTML
  lps run --data 县级数据 --out 报告 --jobs 2    用真实县级数据（先 lps validate 县级数据）
  lps run --force                                 忽略缓存，全部重跑
"""
WIDE_HELP = "显示全部列，不按终端宽度折叠 / every column, whatever the terminal width."


def _fail(exc: Exception, debug: bool) -> None:
    if debug:
        raise exc
    click.echo(str(exc), err=True)
    sys.exit(1)


def _usage_fail(exc: Exception, ctx: click.Context) -> None:
    """Parameters that cannot run: a usage error (exit 2), like click's own."""
    if ctx.obj and ctx.obj.get("debug"):
        raise exc
    raise click.UsageError(str(exc), ctx=ctx)


@click.group(
    cls=cli_params.BilingualGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=MAIN_EXAMPLES,
)
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 回溯 / show tracebacks.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """六盘水人才发展分析 — Liupanshui talent-development analysis.

    每个命令加 --help 查看用法 / add --help to any command for its options.
    """
    ctx.obj = {"debug": debug}


SCOPE_COLUMNS = [
    Column("代码 code"),
    Column("名称 name"),
    Column("标识 slug", drop=1),
    Column("级别 level", drop=2),
    Column("起 valid_from", drop=3),
    Column("止 valid_to"),
    Column("前身 predecessor"),
    Column("说明 notes", wrap=True, min_width=16),
]


@main.command()
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON.")
@click.option("--wide", is_flag=True, help=WIDE_HELP)
def scopes(as_json: bool, wide: bool) -> None:
    """分析范围登记表 / the scope registry."""
    from lps_analysis.data.registry import scopes_frame

    frame = scopes_frame()
    if as_json:
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    rows = [
        [r.code, r.name_zh, r.slug, r.level, r.valid_from, r.valid_to, r.predecessor_code, r.notes]
        for r in frame.fillna("").itertuples(index=False)
    ]
    print_table(console, "分析范围 Scopes", SCOPE_COLUMNS, rows, wide=wide)


FACT_COLUMNS = [
    Column("编号 id"),
    Column("指标 indicator", wrap=True, min_width=16),
    Column("类别 category", drop=1),
    Column("时期 period", drop=2),
    Column("数值 value"),
    Column("原文 quote", wrap=True, min_width=16, drop=3),
]


@main.command()
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON.")
@click.option("--wide", is_flag=True, help=WIDE_HELP)
def facts(as_json: bool, wide: bool) -> None:
    """原文事实库 / the article's fact base."""
    from lps_analysis.data.reference import load_facts
    from lps_analysis.data.vocab import BOUNDS

    frame = load_facts()
    if as_json:
        click.echo(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, indent=2))
        return
    rows = []
    for rec in frame.fillna("").itertuples(index=False):
        value = f"{BOUNDS[rec.bound]} {rec.value:g}" if rec.bound != "exact" else f"{rec.value:g}"
        rows.append(
            [rec.fact_id, rec.indicator, rec.category, rec.period, f"{value} {rec.unit}", rec.quote]
        )
    title = f"原文事实库 Facts（{len(frame)} 条；≥ 为下限，≈ 为约数）"
    print_table(console, title, FACT_COLUMNS, rows, wide=wide)


VALIDATE_COLUMNS = [
    Column("表 table", wrap=True, min_width=14),
    Column("文件 file", wrap=True, min_width=14),
    Column("行数 rows"),
    Column("数据性质 provenance", wrap=True, min_width=14),
]


@main.command()
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, path: Path | None) -> None:
    """检查数据文件夹或单个表格文件 / validate a data folder or one table file.

    Exit 0 when valid, 1 when invalid (every problem listed), 2 on usage errors.
    """
    from lps_analysis import paths
    from lps_analysis.data.tables import NEEDED_BY, TABLES
    from lps_analysis.data.validate import load_dataset, load_table, provenance_summary

    path = path or paths.DATA_DIR
    try:
        if path.is_dir():
            loaded = load_dataset(path)
            tables, notes, absent = loaded.tables, loaded.notes, loaded.absent
        else:
            table = load_table(path)
            tables, notes, absent = {table.name: table}, table.notes, []
    except DataValidationError as exc:
        n = len(exc.problems)
        click.echo(
            f"数据检查未通过：{path}（{n} 个问题） / validation failed ({n} problems)", err=True
        )
        _fail(exc, ctx.obj["debug"])
    rows = []
    for name, t in tables.items():
        prov = provenance_summary(t.frame)
        if not prov:  # a table without a provenance column: its sidecar says what it is
            from lps_analysis.data.metadata import read_metadata, sidecar_path

            if sidecar_path(t.path).exists():
                prov = {f"{read_metadata(t.path).get('provenance')}（元数据）": len(t.frame)}
        rows.append(
            [
                f"{name}（{TABLES[name].title_zh}）",
                t.path.name,
                f"{len(t.frame):,}",
                "，".join(f"{k} {v:,}" for k, v in prov.items()),
            ]
        )
    print_table(console, f"数据检查通过 Valid：{path}", VALIDATE_COLUMNS, rows)
    if absent:
        needed = {t: nb for nb, ts in NEEDED_BY.items() for t in ts}
        console.print(
            "未提供的表 absent："
            + "，".join(f"{t}（{needed[t]} 需要）" if t in needed else t for t in absent),
            markup=False,
        )
    for note in notes:  # notes quote file names and values: never read as markup
        console.print(f"提示 note：{inert(note)}", highlight=False, markup=False)


@main.command("sample-data")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="输出文件夹 / output folder.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=int,
    help="随机种子（同一种子结果完全相同） / random seed (same seed, same files).",
)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help=(
        "个人记录规模 K（K=1：人数与各县 2020 年人才总量相同） / person-record scale K "
        "(K=1: as many persons as the counties' 2020 talent stock)."
    ),
)
@click.pass_context
def sample_data(ctx: click.Context, out_dir: Path, seed: int, scale: float) -> None:
    """生成示例数据（非真实）/ write illustrative example data for every table."""
    from lps_analysis.data.illustrative import write_sample_data

    try:
        written = write_sample_data(out_dir, seed=seed, scale=scale)
    except FileExistsError as exc:
        _fail(
            RuntimeError(f"{exc}\n    Refusing to mix formats of one table in {out_dir}."),
            ctx.obj["debug"],
        )
    console.print(
        f"已写入 {len(written) // 2} 个示例数据表（种子 {seed}，规模 {scale:g}）到 {out_dir}；"
        "这些数据为程序生成，仅供演示，不是真实统计。",
        highlight=False,
    )


DOCTOR_COLUMNS = [
    Column("检查项 check", wrap=True, min_width=10),
    Column("状态 status", markup=True),
    Column("详情 detail", wrap=True, min_width=20),
]


@main.command()
def doctor() -> None:
    """检查运行环境 / what the set-up is missing."""
    from lps_analysis.doctor import run_checks

    checks = run_checks()
    rows = [
        [
            c.name,
            "[green]通过 OK[/]"
            if c.ok
            else ("[red]缺失 MISSING[/]" if c.required else "[yellow]可选 optional[/]"),
            c.detail,
        ]
        for c in checks
    ]
    print_table(console, "lps doctor", DOCTOR_COLUMNS, rows)
    failed = [c.name for c in checks if c.required and not c.ok]
    if failed:
        click.echo("缺少 / missing: " + "，".join(failed), err=True)
        sys.exit(1)


@main.command(
    epilog=RUN_EXAMPLES, short_help="运行分析并导出报告 / run the notebooks, export reports."
)
@click.option(
    "--scope",
    "scope_codes",
    multiple=True,
    metavar="CODE",
    callback=cli_params.resolve_scopes,
    help=(
        f"范围代码或名称，可重复；默认全部：{cli_params.scope_choices()}"
        " / scope code or name, repeatable; default: all of them."
    ),
)
@click.option(
    "--notebook",
    "notebooks",
    multiple=True,
    metavar="NN",
    callback=cli_params.resolve_notebooks,
    help="笔记本编号（1 或 01）或名称，可重复；默认全部 / notebook number or name, repeatable.",
)
@click.option(
    "--to",
    "formats",
    default="html,pdf",
    show_default=True,
    metavar="FORMATS",
    callback=cli_params.parse_formats,
    help="导出格式，逗号分隔 / export formats, comma-separated.",
)
@click.option(
    "--jobs",
    "workers",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="并行作业数（默认 CPU 核数） / jobs run at once (default: one per core).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    callback=cli_params.existing_folder,
    help="输入数据文件夹（默认示例数据） / input data folder (default: the illustrative data).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="输出文件夹（默认 reports/） / output folder (default: reports/).",
)
@click.option("--force", is_flag=True, help="忽略缓存，全部重新运行 / re-run everything.")
@click.option(
    "--timeout",
    type=click.IntRange(1, None),
    default=None,
    help="单个单元格、单次导出的时间上限（秒，默认 600） / per cell and per export, seconds.",
)
@click.option(
    "--wait", is_flag=True, help="输出文件夹被另一次运行占用时排队等待 / wait for the lock."
)
@click.option(
    "--cold",
    is_flag=True,
    help="不用预热内核与数据快照（用于对照） / no warm kernels or data snapshot (to compare).",
)
@click.pass_context
def run(
    ctx, scope_codes, notebooks, formats, workers, data_dir, out_dir, force, timeout, wait, cold
):
    """运行分析笔记本并导出 HTML/PDF 报告 / run the notebooks per scope and export reports.

    Exit 0 when every job succeeded, 1 on a failed job or an unusable output folder, 130 when
    interrupted (Ctrl-C).
    """
    from lps_analysis import paths
    from lps_analysis.pipeline import JobPlanError, plan_jobs, run_batch
    from lps_analysis.pipeline.outdir import OutputFolderError, RunLocked

    debug = ctx.obj["debug"]
    data_dir = data_dir or paths.DATA_DIR
    out_dir = out_dir or paths.REPORTS_DIR
    try:
        plan = {
            "data_dir": data_dir,
            "formats": formats,
            "notebooks_dir": paths.NOTEBOOKS_DIR,
        }
        jobs = plan_jobs(scope_codes, notebooks, **plan)
        scope_jobs = plan_jobs(scope_codes, (), **plan)
        idle = cli_run.nothing_to_do(jobs, scope_jobs, data_dir, out_dir, force)
        early = dict(workers=workers, cold=cold, tasks=len(jobs))
        with cli_run.early_workers(not idle, **early) as pool:
            checked = None if idle else cli_run.checked_data(data_dir)
            with cli_run.locked_output(out_dir, wait, lambda m: click.echo(m, err=True)):
                outcome = run_batch(
                    jobs,
                    scope_jobs=scope_jobs,
                    out_root=out_dir,
                    data_dir=data_dir,
                    workers=workers,
                    force=force,
                    timeout=timeout,
                    console=console,
                    checked=None if cold else checked,
                    cold=cold,
                    pool=pool,
                )
    except (UnknownScopeError, JobPlanError) as exc:
        _usage_fail(exc, ctx)
    except (DataValidationError, OutputFolderError, RunLocked) as exc:
        _fail(exc, debug)
    except KeyboardInterrupt:  # before the batch started (or after it ended): nothing half-done
        click.echo("已中断 / interrupted", err=True)
        sys.exit(130)
    sys.exit(cli_run.summarise(outcome, out_dir, console))


if __name__ == "__main__":  # pragma: no cover
    main()
