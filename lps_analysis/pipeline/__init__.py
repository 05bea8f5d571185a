"""Batch runs: papermill per (scope, notebook) in parallel, exports, cache, manifest, index."""

from lps_analysis.pipeline.jobs import Job, JobPlanError, plan_jobs
from lps_analysis.pipeline.runner import run_batch

__all__ = ["Job", "JobPlanError", "plan_jobs", "run_batch"]
