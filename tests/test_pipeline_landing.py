"""What the runner records as results land: manifest records, dead workers, log lines."""

from __future__ import annotations

from pathlib import Path

from lps_analysis import paths
from lps_analysis.data.registry import get_scope
from lps_analysis.pipeline import landing
from lps_analysis.pipeline.jobs import Job


def _job() -> Job:
    notebook = paths.NOTEBOOKS_DIR / "01_talent_structure.ipynb"
    return Job(get_scope("520201"), notebook, {"scope": "520201", "data_dir": "/somewhere"})


def _task(tmp_path: Path, kind: str = "job") -> dict:
    return {"kind": kind, "work_dir": str(tmp_path), "reason": "forced", "key": "k1"}


def test_a_record_of_a_job_that_ran_keeps_its_parameters_but_not_the_data_folder(tmp_path):
    result = {"status": "ok", "seconds": 3.25, "kernel": "forked"}
    record = landing.job_record(_job(), _task(tmp_path), result)
    assert record["job"] == "520201/01_talent_structure"
    assert (record["scope"], record["notebook"]) == ("520201", "01_talent_structure")
    assert (record["status"], record["seconds"], record["kernel"]) == ("ok", 3.25, "forked")
    assert (record["reason"], record["key"], record["ran"]) == ("forced", "k1", True)
    assert record["parameters"] == {"scope": "520201"}  # no machine path in the manifest
    assert "error" not in record and "cell" not in record
    assert landing.job_log_line(record) == "ok 520201/01_talent_structure 3.2s"


def test_a_failed_job_is_recorded_and_logged_with_its_error_and_cell(tmp_path):
    result = {"status": "failed", "seconds": 1.0, "error": "KeyError: '年份'", "cell": "[3] x"}
    record = landing.job_record(_job(), _task(tmp_path), result)
    assert (record["error"], record["cell"]) == ("KeyError: '年份'", "[3] x")
    line = landing.job_log_line(record)
    assert line == "failed 520201/01_talent_structure 1.0s：KeyError: '年份'，单元格 [3] x"


def test_a_worker_that_died_under_a_job_fails_it_and_points_at_the_kernel_log(tmp_path):
    died = landing.worker_died(_task(tmp_path), -9)
    assert died["status"] == "failed" and died["staged"] == {} and "-9" in died["error"]
    assert "log" not in died  # no log was written
    (tmp_path / "kernel.log").write_text("Traceback", encoding="utf-8")
    assert landing.worker_died(_task(tmp_path), -9)["log"] == str(tmp_path / "kernel.log")
    assert "log" not in landing.worker_died(_task(tmp_path, kind="report"), 1)


def test_an_unbuilt_report_names_the_notebooks_it_waits_for_and_keeps_the_old_hash_as_stale():
    entry = landing.report_not_built(["02_east_west_exchange"], {"sha256": "abc"})
    assert entry["status"] == "not_built" and entry["stale_sha256"] == "abc"
    assert "02_east_west_exchange" in entry["reason"] and "未生成" in entry["reason"]
    assert "stale_sha256" not in landing.report_not_built(["00_brief"], {})


def test_a_report_reads_its_parts_from_the_html_only_when_every_job_exported_it(tmp_path):
    from dataclasses import replace

    from lps_analysis.pipeline.tasks import report_task

    both = [_job(), replace(_job(), notebook=paths.NOTEBOOKS_DIR / "00_brief.ipynb")]
    pdf_only = [both[0], replace(both[1], formats=("pdf",))]
    common = dict(out_root=tmp_path, data_dir=tmp_path, timeout=60, key="k")
    assert report_task("520201", both, **common)["reuse_html"] is True
    assert report_task("520201", pdf_only, **common)["reuse_html"] is False
