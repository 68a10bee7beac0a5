"""wrappers.py - iterators over other iterators: ResizeIter (a fixed
number of batches per epoch) and PrefetchingIter (the next batch is read
on a background thread while the caller computes), as MXNet 1.x's.

PrefetchingIter runs one thread per wrapped iterator. Each thread fetches
one batch ahead: the consumer takes the ready batch and signals the thread
to fetch the next, so reading (file parsing, slicing, copies pushed to the
engine) overlaps the caller's forward/backward. An exception raised by a
wrapped iterator is re-raised to the consumer by the next ``next()``
(MXNet's thread would die silently and the consumer would hang).
"""
import atexit
import threading
import weakref

from .base import DataDesc, DataBatch, DataIter

__all__ = ["ResizeIter", "PrefetchingIter"]


class _CurrentBatch(DataIter):
    """An iterator whose getters read the batch it holds."""

    current_batch = None

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


class ResizeIter(_CurrentBatch):
    """Makes `data_iter` yield exactly `size` batches per epoch (restarting
    it when it runs out; ``reset_internal`` resets it at every reset)."""

    def __init__(self, data_iter, size, reset_internal=True):
        super(ResizeIter, self).__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, 'default_bucket_key'):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


_LIVE = weakref.WeakSet()


@atexit.register
def _stop_all():
    """Stops the fetch threads before the interpreter tears down (a thread
    blocked in a wait would otherwise keep its iterator's arrays alive)."""
    for fetcher in list(_LIVE):
        fetcher.stop()


class _Fetcher(object):
    """One background thread reading batches of one iterator, one ahead."""

    def __init__(self, it):
        self.it = it
        self.ready = threading.Event()
        self.taken = threading.Event()
        self.taken.set()
        self.batch = None
        self.error = None
        self.running = True
        self.thread = threading.Thread(target=self._run, name="PrefetchingIter", daemon=True)
        self.thread.start()
        _LIVE.add(self)

    def _run(self):
        while True:
            self.taken.wait()
            if not self.running:
                return
            try:
                self.batch, self.error = self.it.next(), None
            except StopIteration:
                self.batch, self.error = None, None
            except BaseException as e:  # pylint: disable=broad-except
                self.batch, self.error = None, e
            self.taken.clear()
            self.ready.set()

    def wait(self):
        self.ready.wait()

    def take(self):
        """The fetched batch (None at the end); starts the next fetch."""
        self.ready.wait()
        batch, error = self.batch, self.error
        self.error = None
        if batch is not None:
            self.ready.clear()
            self.taken.set()
        if error is not None:
            raise error
        return batch

    def restart(self):
        self.ready.wait()
        self.error = None
        self.it.reset()
        self.ready.clear()
        self.taken.set()

    def stop(self):
        self.running = False
        self.taken.set()
        if self.thread is not threading.current_thread():
            self.thread.join()


class PrefetchingIter(_CurrentBatch):
    """Prefetches batches of one or several iterators on background
    threads; with several, their data and labels are concatenated.

    rename_data / rename_label: one {old name: new name} dict per iterator.
    """

    def __init__(self, iters, rename_data=None, rename_label=None):
        super(PrefetchingIter, self).__init__()
        if not isinstance(iters, list):
            iters = [iters]
        if not iters:
            raise ValueError("PrefetchingIter needs at least one iterator")
        self.n_iter = len(iters)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.current_batch = None
        self._fetchers = [_Fetcher(i) for i in iters]

    def __del__(self):
        for f in getattr(self, "_fetchers", []):
            f.stop()

    def _renamed(self, which, renames):
        descs = []
        for i, it in enumerate(self.iters):
            for x in getattr(it, which):
                if not isinstance(x, DataDesc):
                    x = DataDesc(*x)
                if renames is not None:
                    x = DataDesc(renames[i][x.name], x.shape, x.dtype, x.layout)
                descs.append(x)
        return descs

    @property
    def provide_data(self):
        return self._renamed('provide_data', self.rename_data)

    @property
    def provide_label(self):
        return self._renamed('provide_label', self.rename_label)

    def reset(self):
        for f in self._fetchers:
            f.restart()

    def iter_next(self):
        batches = [f.take() for f in self._fetchers]
        ended = [b is None for b in batches]
        if any(ended):
            if not all(ended):
                raise ValueError("PrefetchingIter: the iterators have different numbers of "
                                 "batches")
            return False
        if any(b.pad != batches[0].pad for b in batches):
            raise ValueError("PrefetchingIter: the iterators have different numbers of "
                             "examples")
        self.current_batch = DataBatch(sum([b.data for b in batches], []),
                                       sum([b.label or [] for b in batches], []),
                                       batches[0].pad, batches[0].index,
                                       provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        return True

    def next(self):
        if self.iter_next():
            return self.current_batch
        raise StopIteration
