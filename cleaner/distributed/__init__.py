"""The Dask engine of `cleaner run` (`--engine dask`): the same stages and answer as the local engine, on a cluster.

    splits.py   input files cut into line-aligned splits, read as `read_inputs` reads them
    parts.py    per-split work on the workers: prepare into a Parquet part, dedup keys, verdicts applied
    shuffle.py  (key, node) rows bucketed by key, candidate edges per bucket, connected components
    mirror.py   the SQLite index's Parquet key tables, which the workers shuffle against
    engine.py   DaskRunner: the stages wired together over a `distributed` client
"""
