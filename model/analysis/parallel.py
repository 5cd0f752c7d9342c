"""A small task runner: the same tasks in this process, in a process pool, or on Dask.

``run_tasks(fn, tasks, shared=..., workers=..., scheduler=...)`` calls ``fn(shared, task)`` for
every task and returns the results in task order, whatever runs them:

* ``workers=1`` and no scheduler — in this process, one task after the other;
* ``workers>1`` — a pool of that many processes of the standard library
  (:class:`concurrent.futures.ProcessPoolExecutor`) started by ``forkserver`` where the platform
  has it (``spawn`` elsewhere): never ``fork``, which copies a process whose BLAS and progress
  threads may hold locks. ``shared`` is pickled once per worker (the pool's initializer), not
  once per task. The standard library rather than joblib's loky: no new dependency, and the
  tasks are module-level functions, which plain pickle handles (loky's cloudpickle and its
  reusable executor buy nothing here);
* ``scheduler="local"`` — a Dask ``LocalCluster`` of ``workers`` single-threaded worker
  processes, closed afterwards; ``scheduler="HOST:PORT"`` (or ``tcp://…``) — the Dask scheduler
  at that address. ``shared`` is scattered to every worker once. ``distributed`` is imported
  only then (the optional extra ``cluster``).

Inside every task BLAS runs on one thread (threadpoolctl): the products of the model are small,
and a multi-threaded BLAS in each of several worker processes would only oversubscribe the
cores. Results never depend on where a task ran: tasks carry their own random streams
(``numpy.random.SeedSequence.spawn``), so the same tasks give the same results for any number
of workers and any backend.

Before it starts a ``LocalCluster`` the runner drops ``MALLOC_TRIM_THRESHOLD_`` from
``distributed.nanny.pre-spawn-environ``: Dask sets it to 65536 so that glibc hands freed memory
back to the system at once, which costs time in tasks that allocate and free many large numpy
arrays (measured in benchmarks/bench_projection.py; the figures are in docs/simulation.md).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from model.errors import YanglaoError

#: The environment variable dropped from a LocalCluster's worker environment.
MALLOC_TRIM = "MALLOC_TRIM_THRESHOLD_"

_shared: Any = None  # a pool worker's copy of ``shared``, installed by its initializer


def run_tasks(
    fn: Callable[[Any, Any], Any],
    tasks: Sequence[Any],
    *,
    shared: Any = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    window: int | None = None,
) -> list[Any]:
    """``[fn(shared, task) for task in tasks]``, run as the module says; results in task order.

    ``fn`` must be a module-level function (it is pickled by reference); ``shared`` and every
    task and result must pickle. ``progress(done, total)``, if given, is called in this process
    as the results come in, in task order. ``window``: at most that many tasks are sent and not
    yet taken at once (default two per worker), which bounds the results waiting in memory.
    """
    return list(iter_tasks(fn, tasks, shared=shared, workers=workers, scheduler=scheduler,
                           progress=progress, window=window))  # fmt: skip


def iter_tasks(
    fn: Callable[[Any, Any], Any],
    tasks: Sequence[Any],
    *,
    shared: Any = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    window: int | None = None,
) -> Iterator[Any]:
    """The results of :func:`run_tasks` one by one, in task order, so that a caller can copy
    each into its place and let it go (memory holds the results not yet taken, not all)."""
    if workers < 1:
        raise YanglaoError(f"--workers: expected at least 1, got {workers}")
    tasks = list(tasks)
    total = len(tasks)
    window = max(1, window if window is not None else 2 * workers)
    if progress is not None:
        progress(0, total)
    if scheduler is not None:
        results = _dask(fn, tasks, shared, workers, scheduler, window)
    elif workers == 1 or total <= 1:
        results = _in_process(fn, tasks, shared)
    else:
        results = _pool(fn, tasks, shared, min(workers, total), window)
    for done, result in enumerate(results, start=1):
        if progress is not None:
            progress(done, total)
        yield result


def call_one_thread(fn: Callable[[Any, Any], Any], shared: Any, task: Any) -> Any:
    """``fn(shared, task)`` with BLAS (and OpenMP) limited to one thread."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        return fn(shared, task)


def _in_process(fn, tasks, shared) -> Iterator[Any]:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        for task in tasks:
            yield fn(shared, task)


def _install(shared: Any) -> None:
    global _shared
    _shared = shared


def _call_installed(fn: Callable[[Any, Any], Any], task: Any) -> Any:
    return call_one_thread(fn, _shared, task)


def pool_context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where the platform has it, ``spawn`` elsewhere (never ``fork``)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _in_order(submit: Callable[[Any], Any], tasks: list[Any], window: int) -> Iterator[Any]:
    """Futures of ``tasks`` in task order, at most ``window`` sent and not yet taken."""
    pending: deque[Any] = deque()
    following = iter(tasks)
    for task in following:
        pending.append(submit(task))
        if len(pending) >= window:
            break
    while pending:
        future = pending.popleft()
        yield future
        for task in following:
            pending.append(submit(task))
            break


def _pool(fn, tasks, shared, workers: int, window: int) -> Iterator[Any]:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=workers, mp_context=pool_context(), initializer=_install, initargs=(shared,)
    ) as pool:
        for future in _in_order(lambda task: pool.submit(_call_installed, fn, task), tasks, window):
            yield future.result()


def local_cluster_config() -> dict[str, Any]:
    """The Dask settings a LocalCluster is started with: ``MALLOC_TRIM_THRESHOLD_`` unset in
    the nanny's pre-spawn environment (None is Dask's way to unset one; the others stay)."""
    return {f"distributed.nanny.pre-spawn-environ.{MALLOC_TRIM}": None}


def start_local_cluster(workers: int, processes: bool = True, trim: bool = False):
    """A Dask LocalCluster of ``workers`` single-threaded workers and its client.

    ``trim=True`` keeps Dask's ``MALLOC_TRIM_THRESHOLD_`` (for the benchmark that measures it).
    Note that a nanny copies its pre-spawn environment into this process's ``os.environ``,
    from where later clusters inherit it.
    """
    import dask.config  # type: ignore[import-not-found, unused-ignore]
    from distributed import Client, LocalCluster  # type: ignore[import-not-found, unused-ignore]

    settings = {} if trim else local_cluster_config()
    with dask.config.set(settings):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        )
    return cluster, Client(cluster)


def _import_distributed() -> None:
    try:
        import distributed  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
    except ImportError as err:
        raise YanglaoError(
            "--scheduler needs Dask distributed: pip install 'yanglao[cluster]'"
        ) from err


def _dask(fn, tasks, shared, workers: int, scheduler: str, window: int) -> Iterator[Any]:
    _import_distributed()
    from distributed import Client  # type: ignore[import-not-found, unused-ignore]

    cluster = None
    if scheduler == "local":
        cluster, client = start_local_cluster(workers)
    else:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as err:
            raise YanglaoError(f"--scheduler {scheduler}: no Dask scheduler there ({err})") from err
    try:
        # a list of one: scatter would send the items of a tuple or list one by one
        (common,) = client.scatter([shared], broadcast=True, hash=False)
        submit = lambda task: client.submit(call_one_thread, fn, common, task, pure=False)  # noqa: E731
        for future in _in_order(submit, tasks, window):
            yield future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
