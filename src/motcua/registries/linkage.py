"""The record-linkage model: which person of the registry a record of another agency's dataset is (Splink).

One model, two engines: DuckDB in-process by default, Spark for national volumes (the same settings, so the
same comparisons, blocking rules and weights, run as Spark SQL). Both sides come as Arrow tables (or Parquet
files) with the columns of :data:`registries.datasets.LINKAGE_SCHEMA`, normalized by
:mod:`registries.matching`; the answer is one row per dataset record that found a candidate: the best person
and the probability that they are the same.

- Blocking never uses the surname alone (four people in ten share a handful of them): candidates share the
  ID number, or the birth date and the given name, or the birth date and the commune, or the birth date with
  day and month swapped and the given name, or the birth year and every word of the name in any order.
- Comparisons: ID number (same, one digit apart, other), name (same folded, same words in another order,
  Jaro-Winkler ≥ 0.92 or ≥ 0.80), birth date (same, day/month swapped, one digit apart, other), sex, place
  (same commune, same current province, other).
- The m probabilities (how often a true match agrees at each level) are set from what is known of agencies'
  data; the u probabilities (how often two different people agree by chance) are estimated on each run by
  random sampling of the actual data, with a fixed seed, so a run is reproducible (:func:`train`, on DuckDB:
  a sample of pairs needs no cluster). The trained model (Splink's JSON) is what Spark predicts with.

No Django import: the benchmark drives it without a database.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ENGINES = ("duckdb", "spark")
CANDIDATE_FLOOR = 0.01  # pairs below this probability are not kept as candidates
DEFAULT_THRESHOLD = 0.9  # at or above: the record is linked to the person
SEED = 2026
MODEL_VERSION = "vn-person-1"


def _comparisons(registry_size: int) -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    # Two different people never share an ID number, and rarely have numbers one digit apart: random pairs
    # (the u estimate) almost never show it, so these u probabilities are set from the registry's size.
    size = max(registry_size, 1000)
    ident = cl.CustomComparison(output_column_name="id12", comparison_description="ID number", comparison_levels=[
        cll.NullLevel("id12"), cll.ExactMatchLevel("id12"), cll.LevenshteinLevel("id12", 1), cll.ElseLevel(),
    ]).configure(m_probabilities=[0.95, 0.03, 0.02], u_probabilities=[1 / size, 60 / size, 1 - 61 / size])
    name = cl.CustomComparison(output_column_name="name", comparison_description="name", comparison_levels=[
        cll.NullLevel("name_folded"),
        cll.ExactMatchLevel("name_folded"),
        cll.ExactMatchLevel("name_sorted").configure(label_for_charts="same words, other order"),
        cll.JaroWinklerLevel("name_folded", 0.92),
        cll.JaroWinklerLevel("name_folded", 0.80),
        cll.ElseLevel(),
    ]).configure(m_probabilities=[0.86, 0.03, 0.07, 0.03, 0.01])
    born = cl.CustomComparison(output_column_name="dob", comparison_description="birth date", comparison_levels=[
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel("dob_swapped_l = dob_r", label_for_charts="day and month swapped"),
        cll.LevenshteinLevel("dob", 1),
        cll.ElseLevel(),
    ]).configure(m_probabilities=[0.90, 0.04, 0.04, 0.02])
    sex = cl.CustomComparison(output_column_name="sex", comparison_description="sex", comparison_levels=[
        cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel(),
    ]).configure(m_probabilities=[0.99, 0.01])
    place = cl.CustomComparison(output_column_name="place", comparison_description="place", comparison_levels=[
        cll.NullLevel("province"),
        cll.ExactMatchLevel("commune"),
        cll.ExactMatchLevel("province"),
        cll.ElseLevel(),
    ]).configure(m_probabilities=[0.80, 0.12, 0.08])
    return [ident, name, born, sex, place]


def _blocking_rules() -> list[Any]:
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    return [
        block_on("id12"),
        block_on("dob", "given"),
        block_on("dob", "commune"),
        CustomRule("l.dob_swapped = r.dob and l.given = r.given"),
        block_on("birth_year", "name_sorted"),
    ]


def settings(registry_size: int, dialect: str = "duckdb") -> dict[str, Any]:
    """The model as Splink settings. Nearly every record of a dataset is one person of the registry: the
    chance that two records taken at random match is about 1 / the registry's size."""
    from splink import SettingsCreator

    creator = SettingsCreator(
        link_type="link_only", unique_id_column_name="unique_id",
        probability_two_random_records_match=min(0.5, 0.9 / max(registry_size, 1)),
        comparisons=_comparisons(registry_size), blocking_rules_to_generate_predictions=_blocking_rules(),
        retain_intermediate_calculation_columns=False, retain_matching_columns=False,
    )
    return creator.get_settings(dialect).as_dict()


def for_dialect(model: dict[str, Any], registry_size: int, dialect: str) -> dict[str, Any]:
    """A trained model's parameters on the settings written in another engine's SQL (Splink's JSON holds the
    SQL of the engine it was trained on): same comparisons, same levels, same probabilities."""
    target = settings(registry_size, dialect)
    target["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    for ours, trained in zip(target["comparisons"], model["comparisons"], strict=True):
        for level, learnt in zip(ours["comparison_levels"], trained["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in learnt:
                    level[key] = learnt[key]
    return target


@dataclass(frozen=True)
class Linked:
    """One row per dataset record that has a candidate: ``record`` (the dataset's unique_id), ``person``
    (the registry's), ``probability``; and how many candidate pairs were scored."""

    best: pa.Table
    pairs_scored: int


def _quiet() -> None:
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.WARNING)


BEST_SQL = """
    select record, person, probability from (
        select case when source_dataset_l = 'dataset' then unique_id_l else unique_id_r end as record,
               case when source_dataset_l = 'dataset' then unique_id_r else unique_id_l end as person,
               match_probability as probability,
               row_number() over (partition by case when source_dataset_l = 'dataset' then unique_id_l
                                                    else unique_id_r end
                                  order by match_probability desc,
                                           case when source_dataset_l = 'dataset' then unique_id_r
                                                else unique_id_l end) as rank
        from {table}
    ) where rank = 1
"""


def _duckdb(scratch: str, threads: int | None = None, memory_limit: str | None = None) -> Any:
    import duckdb

    con = duckdb.connect(os.path.join(scratch, "linkage.duckdb"))
    con.execute(f"set temp_directory = '{scratch}'")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set preserve_insertion_order = false")
    return con


def _load(con: Any, name: str, table: pa.Table | str | Path) -> None:
    if isinstance(table, pa.Table):
        con.register(f"{name}_arrow", table)
        con.execute(f"create table {name} as select * from {name}_arrow")
        con.unregister(f"{name}_arrow")
    else:
        con.execute(f"create table {name} as select * from read_parquet(?)", [str(table)])


def _duckdb_linker(con: Any, registry_size: int, model: dict[str, Any] | None = None) -> Any:
    from splink import DuckDBAPI, Linker

    api = DuckDBAPI(con)
    tables = [api.register("registry", dataset_display_name="registry", table_name="registry_in"),
              api.register("dataset", dataset_display_name="dataset", table_name="dataset_in")]
    return Linker(tables, model or settings(registry_size), log_level=None)


def train(registry: pa.Table | str | Path, dataset: pa.Table, registry_size: int, *, seed: int = SEED,
          work_dir: str | Path | None = None, sample: int = 1_000_000) -> dict[str, Any]:
    """The model with its u probabilities estimated on these data (random pairs, fixed seed), as Splink's
    JSON: what either engine then predicts with. Trained on DuckDB, on at most ``sample`` records a side."""
    _quiet()
    with tempfile.TemporaryDirectory(prefix="motcua-linkage-", dir=work_dir) as scratch:
        con = _duckdb(scratch)
        try:
            _load(con, "registry_all", registry)
            con.execute(f"create table registry as select * from registry_all using sample reservoir({sample} rows) "
                        f"repeatable ({seed})")
            _load(con, "dataset_all", dataset)
            con.execute(f"create table dataset as select * from dataset_all using sample reservoir({sample} rows) "
                        f"repeatable ({seed})")
            linker = _duckdb_linker(con, registry_size)
            linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
            model: dict[str, Any] = linker.misc.save_model_to_json()
            return model
        finally:
            con.close()


def link_duckdb(registry: pa.Table | str | Path, dataset: pa.Table, registry_size: int, *, seed: int = SEED,
                work_dir: str | Path | None = None, threads: int | None = None,
                memory_limit: str | None = None, model: dict[str, Any] | None = None) -> Linked:
    """Link on an in-process DuckDB. ``registry`` is an Arrow table or a Parquet file of linkage rows;
    ``model`` a trained model (:func:`train`), trained here on these data when not given."""
    _quiet()
    with tempfile.TemporaryDirectory(prefix="motcua-linkage-", dir=work_dir) as scratch:
        con = _duckdb(scratch, threads, memory_limit)
        try:
            _load(con, "registry", registry)
            _load(con, "dataset", dataset)
            linker = _duckdb_linker(con, registry_size, model)
            if model is None:
                linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
            predicted = linker.inference.predict(threshold_match_probability=CANDIDATE_FLOOR)
            scored = con.sql(f"select count(*) from {predicted.physical_name}").fetchall()[0]
            best = con.sql(BEST_SQL.format(table=predicted.physical_name)).to_arrow_table()
            return Linked(best, int(scored[0]))
        finally:
            con.close()


def spark_session(app: str = "motcua-linkage", cores: int | None = None, memory: str = "4g",
                  scratch: str | None = None, small: bool = False) -> Any:
    """A local Spark (``local[cores]``) for the same model, with Splink's similarity functions (the jar it
    ships); a deployment passes its cluster's session instead, with that jar on its class path."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    scratch = scratch or tempfile.gettempdir()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # a local Spark talks to itself on the loopback only
    session: Any = (SparkSession.builder.master(f"local[{cores or '*'}]").appName(app)
               .config("spark.driver.memory", memory).config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.jars", similarity_jar_location())
               .config("spark.sql.shuffle.partitions", str(max(2, (cores or os.cpu_count() or 2) * 2)))
               .config("spark.sql.warehouse.dir", os.path.join(scratch, "motcua-spark-warehouse"))
               .config("spark.local.dir", scratch)
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1"))
    if small:  # tiny data (the tests): compiling each query's code costs more than running it
        session = session.config("spark.sql.codegen.wholeStage", "false").config("spark.sql.adaptive.enabled", "false")
    session = session.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def link_spark(spark: Any, registry: pa.Table | str | Path, dataset: pa.Table, registry_size: int, *,
               seed: int = SEED, work_dir: str | Path | None = None, model: dict[str, Any] | None = None) -> Linked:
    """The same model on Spark: trained as :func:`train` does (unless given), the two sides handed to Spark
    as Parquet files, the pairs blocked, scored and ranked there, the best links brought back."""
    from splink import Linker, SparkAPI

    _quiet()
    model = model or train(registry, dataset, registry_size, seed=seed, work_dir=work_dir)
    with tempfile.TemporaryDirectory(prefix="motcua-linkage-", dir=work_dir) as scratch:
        registry_path = str(registry) if not isinstance(registry, pa.Table) else os.path.join(scratch, "registry.parquet")
        if isinstance(registry, pa.Table):
            pq.write_table(registry, registry_path)
        dataset_path = os.path.join(scratch, "dataset.parquet")
        pq.write_table(dataset, dataset_path)
        spark.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))  # intermediate tables
        api = SparkAPI(spark_session=spark, break_lineage_method="parquet", num_partitions_on_repartition=4)
        tables = [api.register(spark.read.parquet(registry_path), dataset_display_name="registry"),
                  api.register(spark.read.parquet(dataset_path), dataset_display_name="dataset")]
        linker = Linker(tables, for_dialect(model, registry_size, "spark"), log_level=None)
        predicted = linker.inference.predict(threshold_match_probability=CANDIDATE_FLOOR).as_spark_dataframe()
        predicted.createOrReplaceTempView("predicted")
        scored = predicted.count()
        best = spark.sql(BEST_SQL.format(table="predicted")).toArrow()
        return Linked(best, int(scored))
