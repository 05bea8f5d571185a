"""The `lps` command: parse, call, print — no logic of its own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from lps_analysis.errors import DataValidationError, UnknownScopeError

# Piped output (files, CI logs) gets a wide table rather than rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)


def _fail(exc: Exception, debug: bool) -> None:
    if debug:
        raise exc
    click.echo(str(exc), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 回溯 / show tracebacks.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """六盘水人才发展分析 — Liupanshui talent-development analysis."""
    ctx.obj = {"debug": debug}


@main.command()
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON.")
def scopes(as_json: bool) -> None:
    """分析范围登记表 / the scope registry."""
    from lps_analysis.data.registry import scopes_frame

    frame = scopes_frame()
    if as_json:
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    table = Table(title="分析范围 Scopes")
    for col in (
        "code",
        "name_zh",
        "slug",
        "level",
        "valid_from",
        "valid_to",
        "predecessor_code",
        "notes",
    ):
        table.add_column(col)
    for rec in frame.fillna("").itertuples(index=False):
        table.add_row(
            rec.code,
            rec.name_zh,
            rec.slug,
            rec.level,
            rec.valid_from,
            rec.valid_to,
            rec.predecessor_code,
            rec.notes,
        )
    console.print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON.")
def facts(as_json: bool) -> None:
    """原文事实库 / the article's fact base."""
    from lps_analysis.data.reference import load_facts
    from lps_analysis.data.vocab import BOUNDS

    frame = load_facts()
    if as_json:
        click.echo(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"原文事实库 Facts（{len(frame)} 条；≥ 为下限，≈ 为约数）")
    for col in ("fact_id", "indicator", "category", "period", "value", "unit", "quote"):
        table.add_column(col, overflow="fold", no_wrap=col in ("fact_id", "indicator", "period"))
    for rec in frame.itertuples(index=False):
        value = f"{BOUNDS[rec.bound]} {rec.value:g}" if rec.bound != "exact" else f"{rec.value:g}"
        table.add_row(
            rec.fact_id, rec.indicator, rec.category, rec.period, value, rec.unit, rec.quote
        )
    console.print(table)


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
    summary = Table(title=f"数据检查通过 Valid：{path}")
    for col in ("表 table", "文件 file", "行数 rows", "数据性质 provenance"):
        summary.add_column(col)
    for name, t in tables.items():
        prov = provenance_summary(t.frame)
        if not prov:  # a table without a provenance column: its sidecar says what it is
            from lps_analysis.data.metadata import read_metadata, sidecar_path

            if sidecar_path(t.path).exists():
                prov = {f"{read_metadata(t.path).get('provenance')}（元数据）": len(t.frame)}
        summary.add_row(
            f"{name}（{TABLES[name].title_zh}）",
            t.path.name,
            f"{len(t.frame):,}",
            "，".join(f"{k} {v:,}" for k, v in prov.items()),
        )
    console.print(summary)
    if absent:
        needed = {t: nb for nb, ts in NEEDED_BY.items() for t in ts}
        console.print(
            "未提供的表 absent："
            + "，".join(f"{t}（{needed[t]} 需要）" if t in needed else t for t in absent)
        )
    for note in notes:
        console.print(f"提示 note：{note}", highlight=False)


@main.command("sample-data")
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="输出文件夹。"
)
@click.option(
    "--seed", default=0, show_default=True, type=int, help="随机种子（同一种子结果完全相同）。"
)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="个人记录规模 K（K=1 约 42.8 万人）。",
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


@main.command()
def doctor() -> None:
    """检查运行环境 / what the set-up is missing."""
    from lps_analysis.doctor import run_checks

    checks = run_checks()
    table = Table(title="lps doctor")
    table.add_column("检查项 Check")
    table.add_column("状态")
    table.add_column("详情 Detail", overflow="fold")
    for c in checks:
        status = (
            "[green]通过 OK[/]"
            if c.ok
            else ("[red]缺失 MISSING[/]" if c.required else "[yellow]可选 optional[/]")
        )
        table.add_row(c.name, status, c.detail)
    console.print(table)
    failed = [c.name for c in checks if c.required and not c.ok]
    if failed:
        click.echo("缺少 / missing: " + "，".join(failed), err=True)
        sys.exit(1)


@main.command()
@click.option(
    "--scope",
    "scope_codes",
    multiple=True,
    help="范围代码，可重复；默认全部 / scope code, repeatable.",
)
@click.option(
    "--notebook", "notebooks", multiple=True, help="笔记本编号（如 01），可重复 / notebook number."
)
@click.option(
    "--to", "formats", default="html,pdf", show_default=True, help="导出格式 / export formats."
)
@click.option(
    "--jobs",
    "workers",
    type=click.IntRange(1, 64),
    default=None,
    help="并行作业数（默认 CPU 核数）。",
)
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=None, help="输入数据文件夹。"
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="输出文件夹（默认 reports/）。",
)
@click.option("--force", is_flag=True, help="忽略缓存，全部重新运行 / re-run everything.")
@click.option(
    "--timeout",
    type=click.IntRange(1, None),
    default=None,
    help="单个单元格、单次导出的时间上限（秒，默认 600）/ per cell and per export, seconds.",
)
@click.option(
    "--wait", is_flag=True, help="输出文件夹被另一次运行占用时排队等待 / wait for the lock."
)
@click.pass_context
def run(ctx, scope_codes, notebooks, formats, workers, data_dir, out_dir, force, timeout, wait):
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
            "formats": tuple(f.strip() for f in formats.split(",") if f.strip()),
            "notebooks_dir": paths.NOTEBOOKS_DIR,
        }
        jobs = plan_jobs(scope_codes, notebooks, **plan)
        scope_jobs = plan_jobs(scope_codes, (), **plan)
        _refuse_bad_data(jobs, scope_jobs, data_dir, out_dir, force)
        with _locked_output(out_dir, wait):
            outcome = run_batch(
                jobs,
                scope_jobs=scope_jobs,
                out_root=out_dir,
                data_dir=data_dir,
                workers=workers,
                force=force,
                timeout=timeout,
                console=console,
            )
    except (
        UnknownScopeError,
        JobPlanError,
        DataValidationError,
        OutputFolderError,
        RunLocked,
    ) as exc:
        _fail(exc, debug)
    except KeyboardInterrupt:  # before the batch started (or after it ended): nothing half-done
        click.echo("已中断 / interrupted", err=True)
        sys.exit(130)
    sys.exit(_summarise(outcome, jobs, out_dir))


def _locked_output(out_dir: Path, wait: bool):
    from lps_analysis.pipeline.outdir import RunLock, RunLocked, prepare

    prepare(out_dir)
    lock = RunLock(out_dir)
    try:
        lock.acquire()
    except RunLocked as exc:
        if not wait:
            raise
        click.echo(f"{exc}\n等待中 / waiting…", err=True)
        lock = RunLock(out_dir, wait=True)
        lock.acquire()
    return lock


def _refuse_bad_data(jobs, scope_jobs, data_dir, out_dir, force) -> None:
    """Validate the input data before any folder is touched or kernel started, unless a run
    would have nothing to do (then a no-change re-run stays quick)."""
    from lps_analysis.pipeline.cache import all_up_to_date

    try:
        current = not force and all_up_to_date(jobs, out_dir, data_dir, scope_jobs)
    except OSError:  # an unreadable output folder: validate, and let the lock say what is wrong
        current = False
    if not current:
        from lps_analysis.data.validate import load_dataset  # pandera: only when needed

        load_dataset(data_dir)


def _summarise(outcome, jobs, out_dir: Path) -> int:
    """Print what the run did (and what failed, with links); return the exit code."""
    from lps_analysis.pipeline.outdir import RUN_LOG

    console.print()
    for note in outcome.notes:
        console.print(f"提示 note：{note}", highlight=False)
    states = outcome.states
    job_states = [states[n] for n in states if not n.endswith("/report.pdf")]
    ran = sum(s in ("ok", "failed") for s in job_states)
    records = {j["job"]: j for j in outcome.manifest["jobs"]}
    failed = [
        records[n]
        for n, s in states.items()
        if s == "failed" and records.get(n, {}).get("status") == "failed"
    ]
    failed += [
        {"job": f"{code}/report.pdf", "error": r.get("error")}
        for code, r in outcome.manifest.get("reports", {}).items()
        if r.get("status") == "failed" and states.get(f"{code}/report.pdf") == "failed"
    ]
    cancelled = job_states.count("cancelled")
    console.print(
        f"共 {len(job_states)} 个作业：运行 {ran}，沿用 {job_states.count('skipped')}，"
        f"失败 {len(failed)}，取消 {cancelled}。报告索引：{out_dir / 'index.html'}；"
        f"运行记录：{out_dir / RUN_LOG}",
        highlight=False,
    )
    for code, r in outcome.manifest.get("reports", {}).items():
        if states.get(f"{code}/report.pdf") == "not_built":
            console.print(f"综合报告 {code}：{r.get('reason')}", highlight=False)
    if failed:
        table = Table(title="失败的作业 Failed jobs")
        for col in ("作业 job", "单元格 cell", "错误 error"):
            table.add_column(col, overflow="fold")
        for j in failed:
            table.add_row(j["job"], j.get("cell") or "", j.get("error") or "")
        console.print(table)
        for j in failed:
            for key, label in (("failed_notebook", "失败的笔记本 notebook"), ("log", "日志 log")):
                if j.get(key):
                    console.print(f"{j['job']} {label}：{out_dir / j[key]}", soft_wrap=True)
    if outcome.output_error:
        click.echo(outcome.output_error, err=True)
        return 1
    if outcome.interrupted:
        click.echo(
            f"已中断：{cancelled} 个作业取消，已完成的结果已保存；再次运行将只补做未完成的部分。"
            f"\n    Interrupted: finished jobs kept; the next run does the rest.",
            err=True,
        )
        return 128 + outcome.interrupted
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    main()
