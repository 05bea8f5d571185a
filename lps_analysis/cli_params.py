"""Options of `lps run` read as the analyst means them, refused as usage errors (exit 2) if not.

Scope codes and names resolve through the registry (a retired code runs its successor, with a
note), notebook numbers may drop the leading zero, formats are checked, all before any kernel
starts.
"""

from __future__ import annotations

import click

from lps_analysis.errors import UnknownScopeError

HELP_OPTION_TEXT = "显示本帮助并退出 / show this help and exit."


class _BilingualHelp:
    """The -h/--help line in Chinese and English, like every other option line."""

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option


class BilingualCommand(_BilingualHelp, click.Command):
    """An `lps` command."""


class BilingualGroup(_BilingualHelp, click.Group):
    """The `lps` group; its commands are BilingualCommands."""

    command_class = BilingualCommand


def scope_choices() -> str:
    """The current scopes as `520200 六盘水市、520201 钟山区、…` for help and error messages."""
    from lps_analysis.data.registry import current_scopes

    return "、".join(f"{s.code} {s.name_zh}" for s in current_scopes())


def resolve_scopes(ctx: click.Context, param: click.Parameter, labels: tuple[str, ...]):
    """`--scope` values → current scope codes in the order given, without repeats."""
    from lps_analysis.data.registry import resolve_scope

    codes: list[str] = []
    for label in labels:
        try:
            scope, note = resolve_scope(label)
        except UnknownScopeError as exc:
            raise click.BadParameter(
                f"{exc}\n可用的范围 / scopes：{scope_choices()}", ctx=ctx, param=param
            ) from None
        if note is not None:  # a former code or name: run its successor and say so
            click.echo(
                f"提示：{note}。\n    note: {str(label).strip()!r} is a former unit; "
                f"running its successor {scope.code}.",
                err=True,
            )
        if scope.code not in codes:
            codes.append(scope.code)
    return tuple(codes)


def resolve_notebooks(ctx: click.Context, param: click.Parameter, selectors: tuple[str, ...]):
    """`--notebook` values (`1`, `01`, `01_talent_structure`), checked before anything runs."""
    from lps_analysis import paths
    from lps_analysis.pipeline.jobs import JobPlanError, select_notebooks

    try:
        select_notebooks(selectors, paths.NOTEBOOKS_DIR)
    except JobPlanError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return selectors


def parse_formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    """`--to html,pdf` → ("html", "pdf"); anything else is a usage error."""
    from lps_analysis.pipeline.jobs import EXPORT_FORMATS

    formats = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad or not formats:
        raise click.BadParameter(
            f"不支持的导出格式「{'、'.join(bad) or value}」，可选：{'、'.join(EXPORT_FORMATS)}。\n"
            f"    Unknown export format {','.join(bad) or value!r}: "
            f"use {' or '.join(EXPORT_FORMATS)}, comma-separated.",
            ctx=ctx,
            param=param,
        )
    return formats


def existing_folder(ctx: click.Context, param: click.Parameter, value):
    """`--data`: a folder that exists (None keeps the default)."""
    if value is not None and not value.is_dir():
        raise click.BadParameter(
            f"数据文件夹不存在：{value}\n    Data folder not found: {value}", ctx=ctx, param=param
        )
    return value
