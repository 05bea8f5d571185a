"""The combined report's sources appendix: the datasets a run read and the article facts it cites.

Datasets come from their metadata sidecars, and an analyst's tables without one from the files
themselves (file name and the 数据来源 their rows state). The article facts listed are exactly
those whose ids stand in the sources of the values the scope's notebooks printed or recorded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import yaml

from lps_analysis import paths
from lps_analysis.data.reference import fact_value, show_fact
from lps_analysis.data.vocab import PROVENANCE_KINDS
from lps_analysis.metrics import ANALYSES


def _read_sidecar(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _first_chinese_sentence(notes: str) -> str:
    """The opening sentence of a sidecar's notes when it is Chinese (a short caveat), else ''."""
    text = str(notes or "").strip()
    match = re.match(r"[^。]{2,80}。", text)
    if match and re.search(r"[\u4e00-\u9fff]", match.group(0)[:4]):
        return match.group(0)
    return ""


def _folder_label(folder: Path) -> str:
    try:
        return str(Path(folder).resolve().relative_to(paths.ROOT))
    except ValueError:
        return Path(folder).name


def dataset_sources(data_dir: Path) -> list[dict[str, str]]:
    """One entry per dataset: the data folder's sidecars, then data/reference and data/facts."""
    out = []
    seen = set()
    for folder in (Path(data_dir), paths.REFERENCE_DIR, paths.FACTS_DIR):
        if not folder.is_dir() or folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        for sidecar in sorted(folder.glob("*.meta.yaml")):
            meta = _read_sidecar(sidecar)
            stem = sidecar.name[: -len(".meta.yaml")]
            files = sorted(
                p.name
                for p in folder.glob(f"{stem}.*")
                if p.is_file() and not p.name.endswith(".meta.yaml")
            )
            out.append(
                {
                    "folder": _folder_label(folder),
                    "file": "、".join(files) or stem,
                    "title": str(meta.get("title") or stem),
                    "producer": str(meta.get("producer") or "—"),
                    "url": str(meta.get("url") or ""),
                    "date_published": str(meta.get("date_published") or ""),
                    "provenance": PROVENANCE_KINDS.get(
                        meta.get("provenance"), str(meta.get("provenance"))
                    ),
                    "provenance_id": str(meta.get("provenance")),
                    "note": _first_chinese_sentence(meta.get("notes")),
                }
            )
    return out


# A fact id as it stands in a source: "F009", or an input row's "原文 F009".
_FACT_ID = re.compile(r"(?<![A-Za-z0-9])F\d{3}(?!\d)")


def cited_fact_ids(metrics_folder: Path) -> dict[str, list[str]]:
    """The article facts a scope's report prints or records, by the analyses that cite them.

    Read from the sources of every value the scope's notebooks printed (their ledgers) and of
    every metric they recorded: a county report lists exactly the facts it shows, no more.
    """
    used: dict[str, list[str]] = {}
    for path in sorted(Path(metrics_folder).glob("*.json")):
        where = (
            "简报"
            if path.name.startswith("00_")
            else ANALYSES.get(
                {"01": "talent", "02": "exchange", "03": "platforms"}.get(path.name[:2], ""), "分析"
            )
        )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for item in [*data.get("printed", []), *data.get("metrics", [])]:
            for source in item.get("sources") or ():
                for fact_id in _FACT_ID.findall(str(source)):
                    used.setdefault(fact_id, [])
                    if where not in used[fact_id]:
                        used[fact_id].append(where)
    return used


def facts_used(metrics_folder: Path, facts: pd.DataFrame) -> list[dict[str, str]]:
    """Every article figure the scope's report cites, with the article's phrase."""
    used = cited_fact_ids(metrics_folder)
    rows = facts.set_index("fact_id")
    out = []
    for fact_id in sorted(f for f in used if f in rows.index):
        row = rows.loc[fact_id]
        value = fact_value(row, fact_id)
        out.append(
            {
                "fact_id": fact_id,
                "value": show_fact(value, row.get("stated", "")),
                "quote": str(row["quote"]),
                "used_in": "、".join(used[fact_id]),
            }
        )
    return out


def user_table_sources(data_dir: Path) -> list[dict[str, str]]:
    """Tables of the data folder without a metadata sidecar: file, table and its 数据来源 column.

    An analyst's own files rarely come with a sidecar; the report still says which files it read
    and the sources their rows state.
    """
    from lps_analysis.data.discover import find_table_files

    try:
        files, _preread, _problems, _notes = find_table_files(Path(data_dir))
    except OSError:  # the appendix lists what it can; validation reports the rest
        return []
    out = []
    for name, path in sorted(files.items()):
        if Path(f"{path}").with_name(f"{name}.meta.yaml").exists():
            continue
        # Only now: the validator (pandera) is a third of a second to import in a report worker.
        from lps_analysis.data.validate import load_table

        try:
            frame = load_table(path, table=name).data
        except Exception:  # noqa: BLE001
            continue
        kinds = frame["provenance"].dropna().unique().tolist() if "provenance" in frame else []
        stated = frame["source"].dropna().astype(str).unique().tolist() if "source" in frame else []
        out.append(
            {
                "folder": _folder_label(Path(data_dir)),
                "file": path.name,
                "title": name,
                "producer": "—",
                "url": "",
                "date_published": "",
                "provenance": "、".join(PROVENANCE_KINDS.get(k, str(k)) for k in kinds) or "—",
                "provenance_id": kinds[0] if len(kinds) == 1 else "mixed",
                "note": ("数据来源：" + "；".join(stated[:5])) if stated else "",
            }
        )
    return out
