"""The Python API and the config object: same config as the CLI, one document or a stream."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pydantic
import pytest
from conftest import SEEDS, made_id, run_cli

from cleaner import Cleaned, Config, Document, Rejected, clean, replay
from cleaner.config import ConfigError


def test_clean_a_string_a_dict_and_a_document():
    text = "Publié dans Le Matin le 3 mars 2021\n\nLe texte de l'article."
    for doc, rid in ((text, made_id(0, text)), ({"id": "0", "text": text}, "0"), (Document(id="0", text=text), "0")):
        out = clean(doc)
        assert isinstance(out, Cleaned)
        assert (out.id, out.text, out.source, out.published) == (rid, "Le texte de l'article.", "Le Matin", "2021-03-03")
        assert out.lang == "fr" and out.lang_score > 0.5  # as `cleaner clean` gives it


def test_clean_an_iterable_is_lazy_and_ordered():
    docs = ({"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt")))
    results = clean(docs)
    assert not isinstance(results, (list, tuple))
    outs = list(results)
    assert [o.id for o in outs] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert all(replay(o.document.text, o.edits) == o.text for o in outs)


def test_what_is_no_document_is_a_rejection_and_a_config_takes_no_overrides():
    """`clean(None)` and `clean(5)` read as iterables ("'NoneType' object is not iterable"), and a config
    given with overrides dropped them in silence (found by a QA pass)."""
    for thing, kind in ((None, "NoneType"), (5, "int")):
        out = clean(thing)
        assert isinstance(out, Rejected) and (out.reason, out.detail) == (
            "bad_input", f"document 0: not a document ({kind}; give a mapping, a string or a Document)")
    with pytest.raises(TypeError, match=r"a config or overrides \(default_rules\), not both"):
        clean("Partager :\n\nUn article.", Config.load(), default_rules=False)
    assert clean("Partager :\n\nUn article assez long.", default_rules=False).text.startswith("Partager")


def test_an_edit_shows_the_fields_it_has_as_the_readme_shows_them():
    out = clean("Publié dans Le Matin le 3 mars 2021\n\nLe texte de l'article.")
    assert repr(out.edits[:2]) == ("(Edit(start=0, end=12, rule='fr.published-in', kind='remove'), Edit(start=12, end=20, "
                                   "rule='fr.published-in', kind='extract', field='source', value='Le Matin'))")


def test_a_config_that_is_not_a_config_says_how_to_make_one():
    """`clean(text, "my.toml")` ended in "AttributeError: 'str' object has no attribute 'default_rules'" from the
    rule loader, and a dict in "unhashable type: 'dict'" (found by a QA pass)."""
    from cleaner import Pipeline

    for given, kind, make in (("my.toml", "str", "Config.load('my.toml')"), (Path("my.toml"), "PosixPath", "Config.load('my.toml')"),
                              ({"min_chars": 3}, "dict", "Config.load(**values)")):
        for use in (clean, Pipeline):
            with pytest.raises(TypeError, match=rf"^config must be a Config, not {kind}: {re.escape(make)} makes one$"):
                use("Un texte.", given) if use is clean else use(given)


def test_a_cleaner_checks_its_config_and_says_what_document_it_takes():
    """`Cleaner`, a public name, took what it was given: `Cleaner({"min_chars": 5})` ended in "unhashable type",
    `Cleaner("my.toml")` in an AttributeError, `Cleaner({})` ran with the defaults, and `.clean` of a dict or a string
    in "'dict' object has no attribute 'text'" (a QA pass)."""
    from cleaner import Cleaner

    values = "Config.load(**values)"
    for given, kind, make in (("my.toml", "str", "Config.load('my.toml')"), ({"min_chars": 5}, "dict", values),
                              ({}, "dict", values)):
        with pytest.raises(TypeError, match=rf"^config must be a Config, not {kind}: {re.escape(make)} makes one$"):
            Cleaner(given)
    cleaner = Cleaner(None)
    assert cleaner.config == Config.load()
    for doc, kind in (({"id": "a", "text": "Bonjour."}, "dict"), ("Bonjour.", "str")):
        with pytest.raises(TypeError, match=rf"^Cleaner.clean takes a Document, not {kind}: clean\(doc, config\)"):
            cleaner.clean(doc)
    assert isinstance(cleaner.clean(Document(id="a", text="Bonjour.")), Cleaned)


def test_a_folder_given_as_the_index_is_named_a_folder(tmp_path):
    from cleaner import Pipeline
    from cleaner.dedup.index import IndexMismatchError

    with pytest.raises(IndexMismatchError, match=r"not usable as a dedup index \(a folder: give the path of an index file\)"):
        Pipeline(Config.load(), index=tmp_path)


def test_an_index_that_is_none_or_no_path_makes_no_file_and_a_blank_one_is_refused(tmp_path, monkeypatch):
    """`Pipeline(index=None)` made a lasting index file named `None` in the working folder, so the next run rejected
    every document as `already_indexed`; `index=5` made `5`, and `index=""` said `.: not usable as a dedup index`
    (a QA pass). None is what leaving `index` out is, an index in memory; a path in a folder not there yet makes
    its folders, as `cleaner run --index` does."""
    from cleaner import Pipeline
    from cleaner.dedup.index import IndexMismatchError

    monkeypatch.chdir(tmp_path)
    doc = {"id": "a1", "text": "Le gouvernement a présenté son budget ce matin."}
    for _ in range(2):
        with Pipeline(Config.load(), index=None) as pipeline:
            assert [d.id for d in pipeline.run([doc]).kept] == ["a1"]
    for given, kind in ((5, "int"), (b"x.sqlite", "bytes")):
        with pytest.raises(TypeError, match=rf"^index must be the path of an index file \(a str or a Path\) or None, "
                                            rf"not {kind}$"):
            Pipeline(Config.load(), index=given)
    for blank in ("", " "):
        with pytest.raises(ConfigError, match=r"^index is empty: give the index file, or leave index out \(or None\)"):
            Pipeline(Config.load(), index=blank)
    assert list(tmp_path.iterdir()) == []
    for folder in ("new/", "new/."):  # written as a folder, refused as `--index new/` is (it made a file `new`)
        with pytest.raises(IndexMismatchError, match=rf"^{re.escape(folder)}: not usable as a dedup index \(a folder"):
            Pipeline(Config.load(), index=folder)
    assert list(tmp_path.iterdir()) == []
    with Pipeline(Config.load(), index=tmp_path / "new" / "x.sqlite") as pipeline:
        assert pipeline.run([doc]).kept and (tmp_path / "new" / "x.sqlite").is_file()


def test_a_closed_pipeline_says_so():
    from cleaner import Pipeline

    pipeline = Pipeline(Config.load())
    pipeline.close()
    for use in (lambda: pipeline.run(["Un texte."]), lambda: list(pipeline.stream(["Un texte."])),
                lambda: pipeline.prepare("Un texte."), lambda: pipeline.index_kept([])):
        with pytest.raises(RuntimeError, match=r"the dedup index was closed"):
            use()


def test_a_dicts_text_in_a_bytearray_or_a_memoryview_is_read_as_bytes_are():
    """A dict's `text` in bytes was decoded, in a `bytearray` refused (`'text' is bytearray, not a string`), though a
    `bytearray` alone is one document (a QA pass); `DocLike`, the type hint, left both out."""
    import typing

    from cleaner.pipeline import DocLike

    text = "Le conseil municipal a voté le budget mardi soir à la mairie.".encode()
    for data in (bytearray(text), memoryview(text), bytearray(b"caf\xe9 au lait ce matin.")):
        assert clean({"id": "a", "text": data}) == clean({"id": "a", "text": bytes(data)})
        assert clean({"id": "a", "html": data}) == clean({"id": "a", "html": bytes(data)})
    assert clean({"id": "a", "text": bytearray(b"caf\xe9.")}).warnings == (
        "document 0: text: invalid UTF-8 at byte 3, replaced with U+FFFD",)
    assert {bytes, bytearray, memoryview} <= set(typing.get_args(DocLike))


def test_a_dicts_fields_in_bytes_are_decoded_and_their_invalid_bytes_flagged_by_name():
    """Invalid bytes in a dict's text or `html` were flagged as `document 0 text: …`, without the colon every other
    field's warning has (`document 0: url: …`), and a `url`, a `title` or another field in bytes was decoded in
    silence, the url kept in `meta`: each text-like field is decoded as a text is, its invalid bytes flagged by its
    name. Another field in bytes (an image) goes to `meta` unflagged: every one warned (a review)."""
    text = "Le conseil municipal a voté le budget mardi soir à la mairie."
    assert clean({"id": "u", "text": text, "html": b"<p>caf\xe9</p>"}).warnings == (
        "document 0: html: invalid UTF-8 at byte 6, replaced with U+FFFD",)
    out = clean({"id": "u", "text": text, "url": b"http://x/\xe9", "title": bytearray(b"T\xe9"), "x": b"ok",
                 "y": memoryview(b"\xff"), "img": b"\x89PNG\r\n"})
    assert out.document.url == "http://x/\ufffd" and out.title == "T\ufffd"
    assert out.document.meta == {"title": "T\ufffd", "x": "ok", "y": "\ufffd", "img": "\ufffdPNG\r\n"}
    assert out.warnings == tuple(f"document 0: {key}: invalid UTF-8 at byte {at}, replaced with U+FFFD"
                                 for key, at in (("url", 9), ("title", 1)))
    assert clean({"id": "u", "text": text, "url": "http://x/\xe9".encode("cp1252")}, encoding="cp1252").warnings == ()


def test_a_stream_is_closed_at_the_end_of_its_with(tmp_path):
    """`Pipeline.stream` was typed an `Iterator`, which has no `close()`, though the README tells its reader to close
    a stream it stops reading (a QA pass): it is a `Stream`, closed by `close()` or at the end of its `with`, which
    takes what was not taken out of the index."""
    import typing

    from cleaner import Pipeline
    from cleaner.pipeline import Stream

    assert typing.get_type_hints(Pipeline.stream)["return"] is Stream
    docs = _distinct_docs(10)
    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        with pipeline.stream(docs, batch_size=5) as stream:
            assert isinstance(stream, Stream)
            taken = [next(stream) for _ in range(3)]
        assert list(stream) == []
        assert len(pipeline.dedup.index) == 3 and all(pipeline.dedup.index.contains(out.id) for out in taken)
        again = pipeline.run(docs).in_order  # the rest of the batch left the index: not `already_indexed`
        assert [getattr(out, "reason", None) == "already_indexed" for out in again] == [True] * 3 + [False] * 7


def test_a_stream_read_after_its_pipeline_closed_says_so(tmp_path):
    """A stream made in a `with` and read after it gave nothing, and one half taken in it gave nothing more: no
    error, as if every document had been answered. Read on before its end, it raises the closed pipeline's
    error; what was taken is indexed, nothing else. A stream that ended, or that its consumer stopped, stays so."""
    from cleaner import Pipeline

    docs = _distinct_docs(10)
    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        unread = pipeline.stream(docs, batch_size=5)
        half = pipeline.stream(docs, batch_size=5)
        taken = [next(half) for _ in range(3)]
    for stream in (unread, half):
        with pytest.raises(RuntimeError, match=r"^the dedup index was closed \(by close\(\) or the end of its `with`\)"):
            next(stream)
    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        index = pipeline.dedup.index
        assert len(index) == 3 and all(index.contains(out.id) for out in taken)
        ended = pipeline.stream(docs[3:], batch_size=5)
        assert [out.id for out in ended] == [d["id"] for d in docs[3:]]
        stopped = pipeline.stream(_distinct_docs(12)[10:], batch_size=5)
        next(stopped)
        stopped.close()
    assert list(ended) == list(stopped) == []


def test_a_stream_refused_by_a_busy_index_answers_the_batch_it_read_once_the_index_is_free(tmp_path):
    """An `IndexBusyError` (another process holding the index's write lock past the wait) ended the stream, though
    its message says to try again: the batch it had read and the rest of its input were never answered, read again
    it gave nothing and no error (found by a QA pass). The batch read is kept, and decided at the next read."""
    import sqlite3
    from contextlib import closing

    from cleaner import IndexBusyError, Pipeline

    docs = _distinct_docs(12)
    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        pipeline.dedup.index.connection.execute("PRAGMA busy_timeout = 100")  # a wait of 0.1 s, not 60
        with closing(sqlite3.connect(tmp_path / "index.sqlite", isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another process's run
            stream = pipeline.stream(iter(docs), batch_size=5)
            for _ in range(2):
                with pytest.raises(IndexBusyError, match="try again when it is done"):
                    next(stream)
            other.execute("COMMIT")
        assert [out.id for out in stream] == [doc["id"] for doc in docs]


def test_a_stream_whose_pipeline_is_closed_while_it_reads_its_input_says_so_at_each_read(tmp_path):
    """Closed while the stream read its next batch (on another thread), the first read raised the closed pipeline's
    error and the next ended the stream without a word, as if its whole input had been answered (found by a QA
    pass); each read raises it."""
    from cleaner import Pipeline

    docs = _distinct_docs(4)
    pipeline = Pipeline(Config.load(), index=tmp_path / "index.sqlite")

    def closed_meanwhile():
        yield from docs[:2]
        pipeline.close()  # as another thread may while this one waits for its input
        yield from docs[2:]

    stream = pipeline.stream(closed_meanwhile(), batch_size=2)
    assert [next(stream).id, next(stream).id] == ["d0", "d1"]
    for _ in range(2):
        with pytest.raises(RuntimeError, match=r"^the dedup index was closed"):
            next(stream)


@pytest.mark.parametrize("batch_size", [2, 10])
def test_a_stream_whose_input_raises_answers_what_it_read_before_the_error(tmp_path, batch_size):
    """An error from the stream's input lost the documents read before it in that batch, never answered (found by a
    QA pass). They are answered first, then the error is raised, once: the stream has ended, as its input has."""
    from cleaner import Pipeline

    docs = _distinct_docs(5)

    def failing():
        yield from docs[:3]
        raise ValueError("bad row 3")

    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        stream, taken = pipeline.stream(failing(), batch_size=batch_size), []
        with pytest.raises(ValueError, match="bad row 3"):
            taken.extend(out.id for out in stream)
        assert taken == ["d0", "d1", "d2"] and list(stream) == []
        assert len(pipeline.dedup.index) == 3


def test_a_stream_read_on_two_threads_gives_each_its_turn(tmp_path):
    """Two threads reading one stream got `ValueError: generator already executing` when one was inside it (found by
    a QA pass); the second waits for its turn."""
    import threading
    import time

    from cleaner import Pipeline

    docs = _distinct_docs(12)

    def slow():
        for doc in docs:
            time.sleep(0.01)  # the input of a reader, which keeps one thread inside the stream
            yield doc

    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        stream, taken, errors = pipeline.stream(slow(), batch_size=3), [[], []], []

        def read(into: list) -> None:
            try:
                into.extend(out.id for out in stream)
            except Exception as exc:  # noqa: BLE001 - the failure the test reports
                errors.append(exc)

        threads = [threading.Thread(target=read, args=(into,)) for into in taken]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == [] and sorted(taken[0] + taken[1]) == sorted(doc["id"] for doc in docs)


def test_a_thread_holding_a_half_taken_batch_is_refused_a_stream_another_thread_is_inside(tmp_path):
    """A thread inside stream X waits for the index, which this thread holds with stream Y's batch half taken: waiting
    for its turn at X, this thread waited for ever (a review of the turn's lock); it is refused, as a batch on the
    thread of a half-taken stream is, and X goes on once Y is closed."""
    import threading

    from cleaner import Pipeline

    docs = _distinct_docs(8)
    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        y, x = pipeline.stream(docs[:4], batch_size=4), pipeline.stream(docs[4:], batch_size=4)
        assert next(y).id == "d0"  # this thread holds the index, y's batch half taken
        inside: list = []
        reader = threading.Thread(target=lambda: inside.extend(out.id for out in x))  # waits for the index inside x
        reader.start()
        reader.join(0.5)
        assert reader.is_alive()
        rescue = threading.Timer(20, y.close)  # were this thread to wait for its turn, the wait would end here
        rescue.start()
        with pytest.raises(RuntimeError, match="a stream of this pipeline holds the index on this thread"):
            next(x)  # on this thread, which holds y's half-taken batch, which the reader inside x waits for
        assert rescue.is_alive()
        rescue.cancel()
        y.close()
        reader.join(60)
    assert inside == ["d4", "d5", "d6", "d7"]


def test_a_stream_whose_input_raised_frees_the_index_once_dropped(tmp_path):
    """The input's error was kept with the frame that read it, which holds the stream: a cycle, so a stream dropped
    with its batch half taken held the index until the garbage collector came (a review): `run` was refused."""
    import gc

    from cleaner import Pipeline

    docs = _distinct_docs(4)

    def failing():
        yield from docs[:3]
        raise OSError("the feed broke")

    gc.disable()
    try:
        with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
            stream = pipeline.stream(failing(), batch_size=10)
            assert next(stream).id == "d0"
            del stream
            assert [out.id for out in pipeline.run([docs[3]]).kept] == ["d3"]
    finally:
        gc.enable()


def test_a_stream_closed_while_another_thread_reads_its_input_decides_nothing_more(tmp_path):
    """Closed on one thread while another read the input for its next batch, a stream decided that batch and handed
    out its results after `close` returned (a review); it ends there, the batch not decided, the index as close left
    it."""
    import threading

    from cleaner import Pipeline

    docs, reading, go = _distinct_docs(8), threading.Event(), threading.Event()

    def slow():
        yield from docs[:4]
        reading.set()
        go.wait(30)  # the next batch is being read when the stream is closed
        yield from docs[4:]

    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        stream = pipeline.stream(slow(), batch_size=4)
        first = [next(stream).id for _ in range(4)]
        after: list = []
        reader = threading.Thread(target=lambda: after.extend(out.id for out in stream))
        reader.start()
        assert reading.wait(30)
        stream.close()
        go.set()
        reader.join(60)
        assert first == ["d0", "d1", "d2", "d3"] and after == []
        assert sorted(doc for (doc,) in pipeline.dedup.index.connection.execute("SELECT id FROM docs")) == first


def test_a_stream_closed_while_another_thread_decides_its_batch_frees_the_index(tmp_path, monkeypatch):
    """Closed while another thread decided its next batch, a stream gave that thread the batch's first result and
    held the index with the rest until it was read again: another thread's `run` waited (a review); the batch ends
    there, the result given counted as taken."""
    import threading

    from cleaner import Pipeline

    docs, deciding, closed = _distinct_docs(5), threading.Event(), threading.Event()
    decided = Pipeline._decided

    def slow(self, *args, **kwargs):
        deciding.set()
        closed.wait(30)
        return decided(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "_decided", slow)
    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        stream, got = pipeline.stream(docs[:4], batch_size=4), []
        reader = threading.Thread(target=lambda: got.append(next(stream).id))
        reader.start()
        assert deciding.wait(30)
        stream.close()
        closed.set()
        reader.join(60)
        monkeypatch.setattr(Pipeline, "_decided", decided)
        assert got == ["d0"] and [out.id for out in _within(30, pipeline.run, [docs[4]]).kept] == ["d4"]
        assert sorted(doc for (doc,) in pipeline.dedup.index.connection.execute("SELECT id FROM docs")) == ["d0", "d4"]


def test_a_stream_closed_as_its_reader_leaves_frees_the_index(tmp_path):
    """`close` on one thread just as the reader left its step (past its look at the stream's end, before it let the
    stream go): neither closed the batch, which held the index until the stream was read again (a review); the reader
    ends it as it leaves."""
    import threading

    from cleaner import Pipeline

    docs = _distinct_docs(5)
    with Pipeline(Config.load(), index=tmp_path / "index.sqlite") as pipeline:
        stream = pipeline.stream(docs[:4], batch_size=4)
        turn, releasing, closed = stream._turn, threading.Event(), threading.Event()

        class Gate:  # the stream's lock, its release paused once on the reader's thread
            def acquire(self, *args, **kwargs):
                return turn.acquire(*args, **kwargs)

            def release(self):
                if threading.current_thread().name == "reader" and not releasing.is_set():
                    releasing.set()
                    closed.wait(10)
                turn.release()

        stream._turn = Gate()
        got: list = []
        reader = threading.Thread(target=lambda: got.append(next(stream).id), name="reader")
        reader.start()
        assert releasing.wait(30)
        stream.close()
        closed.set()
        reader.join(30)
        assert got == ["d0"] and [out.id for out in _within(30, pipeline.run, [docs[4]]).kept] == ["d4"]


def _distinct_docs(n: int) -> list[dict]:
    """`n` documents with nothing in common, each kept by dedup."""
    import random

    words = "le la les un une des ville pays maison école gouvernement ministre projet loi marché prix pluie".split()
    return [{"id": f"d{i}", "text": " ".join(random.Random(i).choice(words) for _ in range(60)) + "."} for i in range(n)]


def _within(seconds: float, fn, *args):
    """`fn(*args)` on a thread of its own: its result, or a failure saying it hung."""
    from concurrent.futures import ThreadPoolExecutor, TimeoutError

    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(fn, *args).result(seconds)
    except TimeoutError:
        pytest.fail(f"{getattr(fn, '__name__', fn)} hung for {seconds} s")
    finally:
        pool.shutdown(wait=False)


def test_a_stream_may_be_taken_and_closed_on_another_thread_than_it_started_on(tmp_path):
    """The dedup lock was an `RLock`, owned by the thread that decided a batch: a stream handed to a worker
    mid-batch failed with "cannot release un-acquired lock" (and left the lock held: a `run` on any other
    thread waited for ever), and `close()` on another thread than a half-taken stream's hung."""
    from cleaner import Pipeline

    with Pipeline(Config.load(), index=tmp_path / "handed.sqlite") as pipeline:
        stream = pipeline.stream(_distinct_docs(10), batch_size=5)
        first = next(stream)
        assert len([first, *_within(60, list, stream)]) == 10
        assert len(_within(60, pipeline.run, [{"id": "x", "text": "Un texte de plus, pris sur un autre fil."}]).kept) == 1

    pipeline = Pipeline(Config.load(), index=tmp_path / "closed.sqlite")
    stream = pipeline.stream(_distinct_docs(10), batch_size=10)
    _within(60, lambda: [next(stream), next(stream)])  # taken on a thread that keeps its stream (it is working on them)
    _within(60, pipeline.close)
    with pytest.raises(RuntimeError, match=r"the dedup index was closed"):  # its 8 other documents never answered
        list(stream)
    with Pipeline(Config.load(), index=tmp_path / "closed.sqlite") as reopened:
        assert len(reopened.dedup.index) == 2  # what was taken, and nothing else


def test_close_waits_for_a_batch_another_thread_holds(tmp_path):
    """`close()` closed the SQLite file under a batch running on another thread (a dropped stream taking its
    untaken documents out again crashed the process: a segmentation fault); it now waits for it."""
    import threading

    from cleaner import Pipeline

    pipeline = Pipeline(Config.load(), index=tmp_path / "index.sqlite")
    held, go, seen = threading.Event(), threading.Event(), []

    def batch():
        with pipeline.dedup.holding():
            held.set()
            go.wait(30)
            seen.append(pipeline.dedup.index.contains("d0"))

    holder = threading.Thread(target=batch)
    holder.start()
    held.wait(30)
    closer = threading.Thread(target=pipeline.close)
    closer.start()
    closer.join(0.5)
    assert closer.is_alive()  # waiting for the batch
    go.set()
    holder.join(30)
    closer.join(30)
    assert seen == [False] and not closer.is_alive()
    with pytest.raises(RuntimeError, match=r"the dedup index was closed"):
        pipeline.run(["Un texte."])


def _in_a_fork(task) -> str:
    """`task()` in a forked child (killed after 60 s: it hung): what it returned, or its error's class name."""
    import os
    import signal

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running the parent's `finally` blocks or pytest's exit
        try:
            signal.alarm(60)
            try:
                answer = str(task())
            except BaseException as exc:  # noqa: BLE001 (the child reports whatever it met)
                answer = type(exc).__name__
            os.write(write, answer.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return answer or "hung"


def test_a_process_forked_while_a_stream_holds_the_index_is_refused_it_and_loses_nothing(tmp_path):
    """Forked while the parent's stream held the index (its batch half taken, on this thread or another), a
    child's `run` said `kept` inside the parent's transaction, inherited and never committed: the index ended
    without its documents; forked while another thread held the batch lock, it waited for ever. The child is now
    refused the file (`ForkedIndexError`), and closing what it inherited leaves the parent's batch alone."""
    from cleaner import Pipeline
    from cleaner.dedup import ForkedIndexError

    path = tmp_path / "index.sqlite"
    other = {"id": "child", "text": "Un autre texte, qui ne ressemble à aucun des documents du parent, écrit par l'enfant."}
    for on_a_thread in (False, True):
        path.unlink(missing_ok=True)
        with Pipeline(Config.load(), index=path) as pipeline:
            stream = pipeline.stream(_distinct_docs(6), batch_size=6)
            taken = [_within(60, next, stream) if on_a_thread else next(stream)]
            assert _in_a_fork(lambda: pipeline.run([other]).kept) == "ForkedIndexError"
            assert _in_a_fork(lambda: Pipeline(Config.load(), index=path)) == "ForkedIndexError"
            assert _in_a_fork(lambda: pipeline.close()) == "None"  # its copy of the stream is closed: nothing undone here
            taken += list(stream)
        with Pipeline(Config.load(), index=path) as reopened:
            kept = [doc.id for doc in taken if isinstance(doc, Cleaned)]
            assert len(taken) == 6 and len(kept) == 5  # d4 is an exact duplicate
            assert all(map(reopened.dedup.index.contains, kept)) and len(reopened.dedup.index) == 5
            assert reopened.dedup.index.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert issubclass(ForkedIndexError, RuntimeError)

    with Pipeline(Config.load(), index=path) as pipeline:  # forked with the index free, the child uses it as any process
        assert _in_a_fork(lambda: [doc.id for doc in pipeline.run([other]).kept]) == "['child']"
        assert pipeline.dedup.index.contains("child")

def test_index_kept_refuses_ids_the_index_holds_or_given_twice_and_adds_nothing():
    """Given twice the documents it added, `index_kept` ended in a bare sqlite3.IntegrityError (a QA pass)."""
    from cleaner import Pipeline

    with Pipeline(Config.load()) as pipeline:
        docs = [{"id": "a", "text": "Un premier texte assez long pour être gardé ici."},
                {"id": "b", "text": "Un autre texte, sur un tout autre sujet que le premier."}]
        kept = pipeline.deduplicate(pipeline.prepare_many(docs), add=False).kept
        assert pipeline.index_kept(kept) == 2
        with pytest.raises(ValueError, match=r"^2 of these ids are in the index already \('a', 'b'\): nothing added$"):
            pipeline.index_kept(kept)
        other = pipeline.prepare({"id": "c", "text": "Un troisième texte, qui parle encore d'autre chose."})
        with pytest.raises(ValueError, match=r"^1 of these ids is given more than once \('c'\): nothing added$"):
            pipeline.index_kept([other, other])
        assert len(pipeline.dedup.index) == 2


def test_dict_fields_by_config_and_meta():
    out = clean({"key": "k1", "body": "Texte.", "url": "http://x.ma/a", "tags": ["a"]}, id_field="key", text_field="body")
    assert (out.id, out.text, out.document.url, out.document.meta) == ("k1", "Texte.", "http://x.ma/a", {"tags": ["a"]})


def test_a_field_of_an_unexpected_type_goes_to_meta_as_on_the_command_line(tmp_path):
    """`url`, `source`, `lang` or `html` of another type than a string is kept in `meta`, not dropped
    nor a rejection; a null one says nothing and goes. The readers and the API agree."""
    from cleaner.io.readers import read_inputs

    record = {"id": "t", "text": "Un texte assez long pour rester.", "url": 5, "source": ["a", "b"], "lang": None,
              "html": {"x": 1}, "tags": ["a"]}
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (read,) = read_inputs([path], Config.load())
    given = clean(record)
    for doc in (read, given.document):
        assert (doc.url, doc.source, doc.lang, doc.html) == (None, None, None, None)
        assert doc.meta == {"url": 5, "source": ["a", "b"], "html": {"x": 1}, "tags": ["a"]}
    odd_keys = clean({"id": "k", "text": record["text"], 1: "x", "meta": {2: "y", "k": {3: 4}}})  # a Python dict may
    assert odd_keys.document.meta == {"1": "x", "2": "y", "k": {"3": 4}}  # have keys JSON has not: they become text


def test_an_id_that_is_not_a_string_or_an_integer_falls_back_to_the_position_and_text():
    """As the readers do (there the place is `<file stem>:<line>`): a null, bool, list, float or blank
    id is no id, and the document gets `<position>:<hash of its text>`; an integer is one. A record with only
    `html` is named by the hash of its html."""
    text, other = "Un texte assez long pour rester ici.", "Un autre texte, assez long lui aussi."
    made = made_id(0, text)
    assert [clean({"id": v, "text": text}).id for v in (None, True, [1, 2], 1.5, "", " ", 7, "x")] == [made] * 6 + ["7", "x"]
    outs = clean([{"id": None, "text": text}, {"text": text}, {"text": other}, other])
    assert [out.id for out in outs] == [made, made_id(1, text), made_id(2, other), made_id(3, other)]
    html = "<html><body><article><p>" + text * 3 + "</p></article></body></html>"
    assert clean({"html": html}).id == made_id(0, html)
    assert [clean({"text": blank, "html": html}).id for blank in ("", "  ", None)] == [made_id(0, html)] * 3
    unused = clean({"id": 3.5, "text": text})
    assert (unused.id, unused.document.meta) == (made, {"id": 3.5})  # an id field not used as the id is kept


def test_a_numpy_integer_id_is_the_id_as_a_python_one_is():
    """pandas' records hold NumPy integers: `np.int64(7)` was no id (not an `int`), so the document was named
    `0:<hash>` and its id kept in `meta`; a NumPy boolean stays no id, as `True` is."""
    import numpy as np

    text = "Un texte assez long pour rester ici."
    for value in (np.int64(7), np.int32(7), np.uint8(7)):
        out = clean({"id": value, "text": text})
        assert (out.id, out.document.meta) == ("7", {}), value
    out = clean({"id": np.bool_(True), "text": text})
    assert (out.id, out.document.meta) == (made_id(0, text), {"id": True})


def test_an_html_field_that_is_not_a_page_says_what_it_is():
    """An `html` of another type is named as such; a blank one is an empty document, as an empty one is;
    NaN in a rejected record's raw is null, as JSON has no NaN."""
    wrong = clean({"html": 5})
    assert (wrong.reason, wrong.detail) == ("bad_input", "document 0: no 'text' field, and 'html' is int, not a string")
    for doc in ({"html": ""}, {"html": "   "}, {"text": "", "html": " \n"}):
        out = clean(doc)
        assert (out.reason, out.stage, out.detail) == ("bad_input", "read", "document 0: empty document"), doc
    assert clean({"id": "n", "text": "", "x": float("nan")}).raw == {"id": "n", "text": "", "x": None}


def test_oversized_document_is_a_rejection_not_an_exception():
    """A text is taken in as the command line reads one (`too_large` at `read`, naming the document by
    its position); so is a `Document` built by the caller (it was `bad_input` at `clean`, naming no position)."""
    for doc in ("x" * 50, Document(id="d", text="x" * 50)):
        out = clean(doc, max_doc_chars=10)
        assert isinstance(out, Rejected)
        assert (out.reason, out.stage, out.detail) == (
            "too_large", "read", "document 0: document is 50 characters, over max_doc_chars=10")


def test_a_document_built_by_the_caller_is_checked_as_a_dict_is():
    """An empty, blank, missing or binary text in a `Document` was cleaned into a `Cleaned` (kept by `run`), where a
    dict holding it is a rejection naming its position; a page with only `html` is no empty document."""
    from cleaner import Pipeline

    docs = [Document(id="x", text=""), Document(id="s", text=" \n\t"), Document(id="w"),
            Document(id="b", text="\x00\x01" * 50), Document(id="p", html="<p>" + "Un texte de page. " * 5 + "</p>")]
    said = ["empty document"] * 3 + ["binary content, not text"]
    for doc, why in zip(docs, said):
        out, as_dict = clean(doc), clean({"id": doc.id, "text": doc.text})
        assert isinstance(out, Rejected) and (out.id, out.stage, out.reason, out.detail) == (
            doc.id, "read", "bad_input", f"document 0: {why}"), doc
        assert (as_dict.stage, as_dict.reason, as_dict.detail) == (out.stage, out.reason, out.detail)
        assert out.raw == doc.model_dump(exclude_defaults=True)
    with Pipeline(Config.load()) as pipeline:
        result = pipeline.run(docs)
    assert [out.id for out in result.kept] == ["p"]
    assert [out.detail for out in result.in_order[:4]] == [f"document {n}: {why}" for n, why in enumerate(said)]


def test_config_is_frozen_layered_and_strict(tmp_path):
    cfg = Config.load()
    with pytest.raises(pydantic.ValidationError):
        cfg.max_passes = 5  # type: ignore[misc]
    user = tmp_path / "c.toml"
    user.write_text("max_passes = 5\nregex_timeout = 2.5\n", encoding="utf-8")
    layered = Config.load(user, max_passes=7)
    assert (layered.max_passes, layered.regex_timeout) == (7, 2.5)
    assert Config.load(user) == Config.load(user) and hash(Config.load(user)) == hash(Config.load(user))
    with pytest.raises(ConfigError, match="no_such_key"):
        Config.load(no_such_key=1)
    with pytest.raises(ConfigError, match="config file not found"):
        Config.load(tmp_path / "missing.toml")
    user.write_text(f'rules_dirs = ["{SEEDS.parent / "rules"}"]\n', encoding="utf-8")  # an override adds packs, as --rules does
    assert Config.load(user, rules_dirs=(Path("mine"),)).rules_dirs == (SEEDS.parent / "rules", Path("mine"))
    user.write_text('rules_dirs = ["no/such/packs"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config in .*c\.toml: rules_dirs: no/such/packs: no such rule pack file or folder"):
        Config.load(user)
    with pytest.raises(ConfigError, match=r"rules_dirs: no/such/packs: .* \(looked for .*/no/such/packs\)"):
        Config.load(user)
    user.write_text('rules_dirs = "rules"\n', encoding="utf-8")  # a string, not a list: was read letter by letter
    with pytest.raises(ConfigError, match=r"config in .*c\.toml: rules_dirs: should be a list \(\[\"a\", \"b\"\]\), got 'rules'$"):
        Config.load(user)
    with pytest.raises(ConfigError, match="repeated_min_docs: should be at most 1000000000, got 9223372036854775808$"):
        Config.load(repeated_min_docs=2**63)  # SQLite's integers stop at 2**63 - 1
    user.write_text("max_passes = " + "9" * 5000 + "\n", encoding="utf-8")  # TOML, but Python will not hold it
    with pytest.raises(ConfigError, match="c.toml: a number of 5,000 digits: over the 4,300 a TOML integer may have "
                                          "here$"):  # Python's words said to call sys.set_int_max_str_digits()
        Config.load(user)
    user.write_text("regex_timeout = inf\n", encoding="utf-8")  # the regex module would time out at once
    with pytest.raises(ConfigError, match="regex_timeout: should be a finite number, got inf$"):
        Config.load(user)
    with pytest.raises(ConfigError, match=r"regex_timeout: should be at most 3600(\.0)?, got 3601\.0$"):
        Config.load(regex_timeout=3601.0)
    for key in ("min_lang_score", "dedup_threshold", "repeated_min_share"):  # nan said "should be less than 1"
        user.write_text(f"{key} = nan\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=f"{key}: should be a finite number, got nan$"):
            Config.load(user)


def test_a_config_copied_with_updates_is_checked_as_a_loaded_one_is():
    """`Config.model_copy(update=...)` took any value unchecked (a QA pass): `langs=("FR",)` rejected every document
    as `lang_not_allowed`, `["fr"]` made the config unhashable (a TypeError out of `clean`), and `min_chars=-5` and
    `max_doc_chars="x"` were taken. A copy's values are read and refused as `Config.load`'s are."""
    config = Config.load()
    assert config.model_copy(update={"langs": ("FR",)}).langs == ("fr",)
    copied = config.model_copy(update={"langs": ["fr"]})
    assert copied.langs == ("fr",) and copied == Config.load(langs=["fr"])
    assert hash(copied) == hash(Config.load(langs="fr"))
    assert clean("Le gouvernement a présenté son budget ce matin.", copied).lang == "fr"
    for update, said in (({"min_chars": -5}, r"min_chars: should be at least 0, got -5"),
                         ({"max_doc_chars": "x"}, r"max_doc_chars: should be a valid integer, got 'x'"),
                         ({"min_chars": 100, "max_doc_chars": 50}, r"min_chars = 100 is over max_doc_chars = 50"),
                         ({"min_char": 5}, r"min_char: not a config key \(did you mean min_chars\?\)"),
                         ({"lingua_budget": 1}, r"lingua_budget: should be at least 2, got 1"),
                         ({"lingua_budget": 4}, (r"lang_backend = 'cld2\+fasttext>lingua~5@0\.5/100' has lingua "
                                                 r"choose among 5 languages, more than lingua_budget = 4 lets it hold "
                                                 r"at once"))):
        with pytest.raises(ConfigError, match=rf"^config: {said}"):
            config.model_copy(update=update)
    assert config.model_copy() == config and config.model_copy(update={}) == config


def test_an_unknown_disabled_id_of_a_config_file_is_named_by_the_file_in_python(tmp_path):
    """`clean()` with a config whose file disables an id no loaded rule has said "disabled_rules: ...", the file left
    to guess (a QA pass): it is named as the command line names it, and an id an override added is the key's."""
    from cleaner.packs import UnknownRulesError

    cfg = tmp_path / "c.toml"
    cfg.write_text('disabled_rules = ["fr.nope"]\n', encoding="utf-8")
    said = f"disabled_rules in {cfg}: no loaded rule has the id 'fr.nope'; disabled_rules: no loaded rule has the id "
    with pytest.raises(UnknownRulesError, match=re.escape(f"{said}'x.y' ")):
        clean("Un texte.", Config.load(cfg, disabled_rules=["x.y"]))


def test_a_config_is_its_values_whatever_file_gave_them(tmp_path, monkeypatch):
    """The file a config's disabled ids came from (`disabled_by`) took part in `==` (a review): `Config.load` of
    `c.toml` and of `./c.toml`, or the same values given as keywords, were other configs, and `pipeline_for` built
    and loaded the packs again for each. They are one config, and one pipeline; the file is still named."""
    from cleaner.api import pipeline_for

    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.toml").write_text('disabled_rules = ["generic.email-line"]\n', encoding="utf-8")
    here, there, given = Config.load("c.toml"), Config.load("./c.toml"), Config(disabled_rules=("generic.email-line",))
    assert here == there == given and hash(here) == hash(given) and here != Config.load()
    assert pipeline_for(here) is pipeline_for(there) is pipeline_for(given)
    assert (here.disabled_by("generic.email-line"), given.disabled_by("generic.email-line")) == (
        "disabled_rules in c.toml", "disabled_rules")


def test_a_config_copied_with_updates_keeps_the_file_of_each_id_still_disabled(tmp_path):
    """`model_copy(update=...)` of a loaded config lost the files its disabled ids came from (a review): `clean()` said
    "disabled_rules: no loaded rule has the id ...", the file left to guess. Each id still disabled keeps its file."""
    from cleaner.packs import UnknownRulesError

    cfg = tmp_path / "bad.toml"
    cfg.write_text('disabled_rules = ["fr.nope", "fr.gone"]\n', encoding="utf-8")
    copied = Config.load(cfg).model_copy(update={"min_chars": 2})
    with pytest.raises(UnknownRulesError, match=re.escape(f"disabled_rules in {cfg}: no loaded rule has the id")):
        clean("Un texte.", copied)
    fewer = copied.model_copy(update={"disabled_rules": ("fr.nope", "x.y")})
    assert [fewer.disabled_by(i) for i in ("fr.nope", "fr.gone", "x.y")] == [
        f"disabled_rules in {cfg}", "disabled_rules", "disabled_rules"]


def test_scopes_langs_and_sources(tmp_path):
    from cleaner import Cleaner
    from cleaner.packs import load_files

    pack = tmp_path / "p.yaml"
    pack.write_text(
        "rules:\n"
        "  - {id: t.fr, kind: line, description: fr only, langs: [fr], phrases: [Publicité], examples: {remove: [Publicité], keep: [x]}}\n"
        "  - {id: t.site, kind: line, description: one site, sources: [example.ma], phrases: [Menu], examples: {remove: [Menu], keep: [x]}}\n",
        encoding="utf-8",
    )
    cleaner = Cleaner(Config.load(default_rules=False), load_files([pack]))
    text = "Publicité\nMenu\nTexte."
    assert cleaner.clean(Document(id="a", text=text)).text == "Menu\nTexte."  # no lang known: scoped rule runs; no host: site rule does not
    assert cleaner.clean(Document(id="b", text=text, lang="en")).text == text
    assert cleaner.clean(Document(id="c", text=text, url="https://www.example.ma/x")).text == "Texte."
    assert cleaner.clean(Document(id="d", text=text, url="https://news.example.ma/x", lang="fr")).text == "Texte."
    assert cleaner.clean(Document(id="e", text=text, url="https://notexample.ma/x")).text == "Menu\nTexte."


def test_a_config_files_relative_rules_dirs_are_beside_the_file_wherever_cleaner_runs(tmp_path, monkeypatch):
    """`rules_dirs = ["packs"]` in project/cleaner.toml names project/packs, also when cleaner runs in
    another folder (it named ./packs of the working folder: a config file that worked in its project
    failed, or loaded other packs, from anywhere else)."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "packs").mkdir(parents=True)
    (elsewhere / "packs").mkdir(parents=True)  # the one a path read against the working folder would take
    config = project / "cleaner.toml"
    config.write_text('rules_dirs = ["packs", "' + str(tmp_path / "elsewhere") + '"]\n', encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert Config.load(config).rules_dirs == (project / "packs", elsewhere)
    relative = Config.load(Path("..") / "project" / "cleaner.toml")
    assert relative.rules_dirs[0].is_absolute() and relative.rules_dirs[0].resolve() == project / "packs"


def test_a_config_files_relative_rules_dirs_still_name_its_folder_after_a_chdir(tmp_path, monkeypatch):
    """A config loaded from `cf/c.toml` held `cf/my_rules`, relative to the working folder at load: after `os.chdir`
    the rule packs were another folder's, or none (a QA pass). A path of the file is made absolute when it is read."""
    project = tmp_path / "project"
    (project / "cf" / "my_rules").mkdir(parents=True)
    pack = "rules:\n" + _line_rule("promo", "PROMO: x")
    (project / "cf" / "my_rules" / "mine.yaml").write_text(pack, encoding="utf-8")
    (project / "cf" / "c.toml").write_text('rules_dirs = ["my_rules"]\n', encoding="utf-8")
    monkeypatch.chdir(project)
    config = Config.load(Path("cf") / "c.toml")
    assert config.rules_dirs == (project / "cf" / "my_rules",)
    monkeypatch.chdir(tmp_path)
    assert [e.rule for e in clean("PROMO: x\nBonjour le monde ici.", config).edits] == ["my.promo"]


def test_a_document_with_lone_surrogates_in_its_text_is_kept_flagged_not_an_error_that_ends_the_stream():
    """A `Document` the caller built with a lone surrogate in its text (`"\\udc80"`, as `surrogateescape`
    decoding leaves) raised UnicodeEncodeError out of dedup's signing: `run` lost its batch, and a
    `stream` ended there, the documents after it lost; `clean` gave a text no UTF-8 file can hold."""
    from cleaner import Pipeline

    docs = [Document(id="a", text="Un texte caf\udce9 ici."), Document(id="b", text="Un autre texte, tout à fait différent.")]
    assert clean(docs[0]).text == "Un texte caf\ufffd ici."
    with Pipeline(Config.load()) as pipeline:
        out = list(pipeline.stream(docs, batch_size=1))
    assert [(type(o), o.id) for o in out] == [(Cleaned, "a"), (Cleaned, "b")]
    assert out[0].text == "Un texte caf\ufffd ici."
    assert out[0].warnings == ("document 0: lone surrogate escapes replaced with U+FFFD",)
    json.dumps(out[0].record(), ensure_ascii=False).encode("utf-8")


def test_one_document_given_where_a_batch_is_due_is_a_type_error_not_its_characters_indexed():
    """`run`, `stream` and `prepare_many` take an iterable of documents: given one (a dict, a string, its
    bytes, a `Document`), they iterated it, and kept its keys or characters as documents, in the index."""
    from cleaner import Pipeline

    one = {"id": "a", "text": "Un texte."}
    with Pipeline(Config.load()) as pipeline:
        for doc in (one, "Un texte.", b"Un texte.", Document(**one), clean(one), clean(5)):  # a Cleaned, a Rejected
            for use in (pipeline.run, pipeline.stream, pipeline.prepare_many):
                with pytest.raises(TypeError, match=rf"^give an iterable of documents, not one {type(doc).__name__}: "
                                                    r"\[doc\] is a batch of one$"):
                    use(doc)
        assert len(pipeline.dedup.index) == 0
        assert [d.id for d in pipeline.run([one]).kept] == ["a"]


def test_a_result_given_back_to_clean_is_one_item_not_one_per_field():
    """A lone `Rejected` or `Cleaned` given to `clean` was iterated as a batch, its fields each a "not a document
    (tuple; …)" rejection, ten of them in a generator; it is one item, as in a list of one."""
    for result in (clean("Un texte assez long pour rester ici."), clean(5)):
        kind = type(result).__name__
        out = clean(result)
        assert isinstance(out, Rejected) and out.detail == (
            f"document 0: not a document ({kind}; give a mapping, a string or a Document)")
        assert [o.detail for o in clean([result])] == [out.detail]


def test_config_values_that_contradict_each_other_are_refused_naming_both(tmp_path, in_process):
    """`min_chars` over `max_doc_chars` (every document rejected, too short or too large) and one field for the
    id and the text (every document named by its whole text) were taken without a word (found by a QA pass);
    each is one ConfigError naming both values, from the API, and the same line with exit 2 from `clean` and
    at the start of `serve`. Each value alone, or the two equal, is still taken."""
    import socket

    from conftest import run_cli

    cases = (({"min_chars": 100, "max_doc_chars": 50},
              "min_chars = 100 is over max_doc_chars = 50: every document would be rejected, too short or too large"),
             ({"id_field": "body", "text_field": "body"},
              ("id_field and text_field are both 'body': every document would be named by its whole text; "
               "give the id and the text fields of their own")),
             ({"id_field": "text"},
              ("id_field and text_field are both 'text': every document would be named by its whole text; "
               "give the id and the text fields of their own")))
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "body": "Le conseil municipal a voté le budget."}\n', encoding="utf-8")
    for values, says in cases:
        with pytest.raises(ConfigError) as caught:
            Config.load(**values)
        assert str(caught.value) == f"config: {says}"
        with pytest.raises(ConfigError):
            clean("Un texte.", **values)
        toml = tmp_path / "c.toml"
        toml.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items()), encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            Config.load(toml)
        assert str(caught.value) == f"config in {toml}: {says}"
        proc = in_process("clean", str(src), "--out", str(tmp_path / "out.jsonl"), "--config", str(toml))
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: config in {toml}: {says}\n")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = run_cli("serve", "--config", str(toml), "--index", str(tmp_path / "i.sqlite"), "--port", str(port))
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: config in {toml}: {says}\n")
    assert not (tmp_path / "out.jsonl").exists()
    assert Config.load(min_chars=50, max_doc_chars=50).min_chars == 50
    assert Config.load(id_field="url", text_field="body").text_field == "body"


def test_a_config_error_is_in_the_words_of_a_toml_file(tmp_path, in_process):
    """A string where a list goes (`langs = "fr"`) was "Input should be a valid tuple", a Python word no TOML file
    uses (a number for a path, "not a valid path for <class 'pathlib.Path'>"), and a misspelt key (`min_char`)
    "Extra inputs are not permitted", without the key meant; as a rule pack's errors are, they say "should be a
    list", and name the closest key (or all of them, for none close). (`langs = "fr"` is taken now, as `--langs fr`
    is: `shape_off_sources` stands for a string where a list goes.)"""
    toml = tmp_path / "c.toml"
    cases = (('shape_off_sources = "x.com"\n', """shape_off_sources: should be a list (["a", "b"]), got 'x.com'"""),
             ("rules_dirs = [5]\n", "rules_dirs item 1: should be a path (a string), got 5"),  # counted from 1: `.0`
             # a TOML date as TOML writes it, not `datetime.date(1979, 5, 27)` (a QA pass found it)
             ("min_chars = 1979-05-27\n", "min_chars: should be a valid integer, got 1979-05-27"),
             ("langs = [[2021-03-04, 07:32:00]]\n",
              "langs item 1: should be a valid string, got [2021-03-04, 07:32:00]"),
             ("min_char = 5\n", "min_char: not a config key (did you mean min_chars?)"),
             ("[cleaner]\nmin_chars = 5\n", f"cleaner: not a config key; the keys are {', '.join(Config.model_fields)}"))
    for text, says in cases:
        toml.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            Config.load(toml)
        assert str(caught.value) == f"config in {toml}: {says}"
        proc = in_process("run", str(SEEDS), "--out", str(tmp_path / "out"), "--config", str(toml))
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: config in {toml}: {says}\n")
    with pytest.raises(ConfigError, match=r"^config: shape_of_sources: not a config key \(did you mean shape_off_sources\?\)$"):
        Config.load(shape_of_sources=["x.com"])


def test_a_rules_dirs_override_that_is_not_a_list_is_refused_beside_a_files_packs(tmp_path):
    """`Config.load(file, rules_dirs="mine")`, beside a file that lists packs, took the string letter by letter (packs
    `m`, `i`, `n`, `e` after the file's), and `rules_dirs=Path("mine")` or a number raised a TypeError ("Value after *
    must be an iterable"); without the file each was refused as not a list. It is refused either way now."""
    toml = tmp_path / "c.toml"
    toml.write_text(f'rules_dirs = ["{SEEDS.parent / "rules"}"]\n', encoding="utf-8")
    for value in ("mine", Path("mine"), 5):
        for file in (toml, None):
            with pytest.raises(ConfigError, match=rf"^config{f' in {re.escape(str(toml))}' if file else ''}: rules_dirs: "
                                                  r"should be a list \(\[\"a\", \"b\"\]\), got "):
                Config.load(file, rules_dirs=value)
    assert Config.load(toml, rules_dirs=["mine"]).rules_dirs == (SEEDS.parent / "rules", Path("mine"))


def test_pipelines_built_with_loaded_rules_apply_them_as_loaded(tmp_path):
    """`Pipeline(config, rules=load_rules(config))`: several pipelines share one loading of the packs, and apply
    them as they were read, whatever the files hold since."""
    from cleaner import Pipeline
    from cleaner.packs import load_rules

    pack = tmp_path / "mine.yaml"
    pack.write_text("rules:\n  - {id: t.marker, kind: line, description: a planted line, phrases: [Ligne marqueur],\n"
                    "     examples: {remove: [Ligne marqueur], keep: [Un article.]}}\n", encoding="utf-8")
    config = Config.load(rules_dirs=(str(pack),))
    rules = load_rules(config)
    pack.write_text("rules: []\n", encoding="utf-8")
    text = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine.\nLigne marqueur"
    for pipeline in (Pipeline(config, rules=rules), Pipeline(config, rules=rules)):
        assert pipeline.cleaner.rules is rules
        out = pipeline.prepare({"id": "a", "text": text})
        assert "Ligne marqueur" not in out.text and "t.marker" in {e.rule for e in out.edits}
    assert "t.marker" not in {r.id for r in Pipeline(config).cleaner.rules.rules}  # loading now reads the file as it is


def test_every_public_name_and_each_error_the_readme_names_is_imported_from_the_package():
    """`from cleaner import ConfigError` (and IndexBusyError, ForkedIndexError, IndexMismatchError, which the README
    says the API raises, and CleanerWarning, which it warns with) failed: a program could not catch them without
    knowing cleaner's modules (a QA pass)."""
    import cleaner

    for name in ("ConfigError", "IndexBusyError", "ForkedIndexError", "IndexMismatchError", "CleanerWarning"):
        assert name in cleaner.__all__
    for name in cleaner.__all__:
        assert getattr(cleaner, name).__module__.startswith("cleaner."), name
    assert issubclass(cleaner.IndexMismatchError, ValueError) and issubclass(cleaner.CleanerWarning, UserWarning)


def _line_rule(name: str, phrase: str) -> str:
    return (f"  - id: my.{name}\n    kind: line\n    description: a {name} line\n    phrases: [\"{phrase}\"]\n"
            f"    examples: {{remove: [\"{phrase}\"], keep: [\"{phrase} is here in a sentence that goes on.\"]}}\n")


def test_the_pack_files_stamped_are_the_ones_loaded(tmp_path, monkeypatch):
    """`clean()`'s key of the packs' state (`packs.file_stamps`) names the files loading reads, no more, no less: it
    filtered the shipped folder as a `rules_dirs` folder is filtered, so an edit of a hidden pack there, which
    `*.yaml` loads, went unseen (a review)."""
    from cleaner import packs

    for name in ("a.yaml", ".hidden.yaml", "c.YML", "d.yml", "e.txt"):
        (tmp_path / name).write_text("rules: []\n", encoding="utf-8")
    monkeypatch.setattr(packs, "_shipped_folder", lambda: str(tmp_path))
    for config in (Config.load(), Config.load(rules_dirs=(tmp_path,), default_rules=False)):
        loaded = [str(path) for path in packs._config_packs(config)[0]]
        assert sorted(stamp[0] for stamp in packs.file_stamps(config)) == sorted(loaded), config.default_rules
    assert [Path(p).name for p in sorted(packs.shipped_packs())] == [".hidden.yaml", "a.yaml"]


def test_clean_reads_the_packs_as_they_are_now_not_as_an_equal_config_first_found_them(tmp_path, monkeypatch):
    """`clean` kept one pipeline per equal `Config`, so a pack edited in a notebook, then loaded again, cleaned with
    its old rules, and a broken one cleaned in silence (found by a QA pass): a load reads the packs as they are now."""
    from cleaner.packs import RulePackError

    text = "Le texte.\nFOO LINE\nBAR LINE\nLa suite."
    pack = tmp_path / "packs" / "my.yaml"
    pack.parent.mkdir()
    pack.write_text("rules:\n" + _line_rule("foo", "FOO LINE"), encoding="utf-8")
    load = lambda: Config.load(rules_dirs=(pack.parent,), default_rules=False)
    assert clean(text, load()).text == "Le texte.\nBAR LINE\nLa suite."
    pack.write_text(pack.read_text(encoding="utf-8") + _line_rule("bar", "BAR LINE"), encoding="utf-8")
    assert clean(text, load()).text == "Le texte.\nLa suite."
    pack.write_text("rules: [", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"my\.yaml"):
        clean(text, load())

    for name, phrase in (("one", "FOO LINE"), ("two", "BAR LINE")):  # `packs` is another folder in each
        (tmp_path / name / "packs").mkdir(parents=True)
        (tmp_path / name / "packs" / "my.yaml").write_text("rules:\n" + _line_rule(name, phrase), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "one")
    assert clean(text, rules_dirs=(Path("packs"),), default_rules=False).text == "Le texte.\nBAR LINE\nLa suite."
    monkeypatch.chdir(tmp_path / "two")
    assert clean(text, rules_dirs=(Path("packs"),), default_rules=False).text == "Le texte.\nFOO LINE\nLa suite."


def test_a_documents_meta_is_made_json_as_a_dicts_so_a_repeated_id_loses_no_batch():
    """Two `Document`s of one id whose `meta` held a date made `Pipeline.run` raise (`Object of type date is not
    JSON serializable`, the batch lost), and `clean` gave a record no JSON writer takes (found by a QA pass)."""
    import datetime

    from cleaner import Pipeline

    text = "Le conseil municipal a voté le budget mardi soir à la mairie."
    first = Document(id="a", text=text, meta={"when": datetime.date(2021, 3, 3), "tags": {"x"}})
    second = Document(id="a", text="Une tout autre histoire sur le football africain hier au stade.",
                      meta={"when": datetime.date(2021, 3, 4)})
    given = Pipeline().run([first, second]).in_order
    as_dicts = Pipeline().run([{"id": "a", "text": d.text, **d.meta} for d in (first, second)]).in_order
    assert [(type(out).__name__, getattr(out, "reason", None)) for out in given] == [("Rejected", "repeated_id"),
                                                                                    ("Cleaned", None)]
    assert (given[0].raw, given[1].record()) == (as_dicts[0].raw, as_dicts[1].record())  # a dict's place aside
    record = clean(first).record()
    assert record["meta"] == {"when": "2021-03-03", "tags": ["x"]} and json.dumps(record)  # a set: a list, in order


def test_a_number_json_has_not_is_flagged_and_an_object_written_without_its_address(tmp_path, in_process):
    """A NaN in a dict or a `Document`'s `meta` given to the API became null without a word, where `cleaner clean`
    flags it (`1 number JSON has not (NaN): written as null`), and an `object()` was written as its text, `<object
    object at 0x7f1b…>`, an address that changed from run to run (a QA pass): flagged as the CLI flags it, and
    written as its type's name."""
    from cleaner import Pipeline

    text = "Le conseil municipal a voté le budget mardi soir à la mairie."
    (tmp_path / "n.jsonl").write_text(json.dumps({"id": "a", "text": text, "x": float("nan")}) + "\n", encoding="utf-8")
    cli = in_process("clean", "n.jsonl", "--out", "-", cwd=tmp_path)
    assert json.loads(cli.stdout)["warnings"] == ["n.jsonl:1: 1 number JSON has not (NaN): written as null"]
    in_a_set = clean({"id": "a", "text": text, "meta": {"s": {float("nan"), 1.0}}})  # a set is walked as jsonable walks it
    assert in_a_set.warnings == ("document 0: 1 number JSON has not (NaN): written as null",)
    for given in ({"id": "a", "text": text, "x": float("nan"), "meta": {"y": [float("inf"), -float("inf")]}},
                  Document(id="a", text=text, meta={"x": float("nan"), "y": [float("inf"), -float("inf")]})):
        for out in (clean(given), Pipeline().run([given]).kept[0]):
            assert out.warnings == ("document 0: 3 numbers JSON has not (NaN, Infinity, -Infinity): written as null",)
            assert out.record()["meta"] == {"x": None, "y": [None, None]}
    for given in ({"text": text, "o": object(), "meta": {"f": lambda: 1}},
                  Document(id="a", text=text, meta={"o": object(), "f": lambda: 1})):
        assert clean(given).record()["meta"] == {"o": "<object>", "f": "<function>"}
    assert clean({"text": "", "o": object()}).raw == {"text": "", "o": "<object>"}
    assert clean({"text": text, "meta": {"u": "<a at 0x1>", "n": 1.5}}).document.meta == {"u": "<a at 0x1>", "n": 1.5}
    # in a set or as a key too, and a set in one order whatever the hash seed (a review: its text's order changed)
    meta = {"s": {object(), "b", "a", 2}, "k": {object(): 1}, "f": frozenset({"z", "y"})}
    assert clean({"text": text, "meta": meta}).record()["meta"] == {
        "s": [2, "<object>", "a", "b"], "k": {"<object>": 1}, "f": ["y", "z"]}


def test_a_document_with_a_blank_id_is_named_by_its_position_as_a_dict_is():
    """A `Document` with a blank id kept `""`: every such document had one id, so a second text was a `repeated_id`
    and one of a later batch `already_indexed` (found by a QA pass)."""
    from cleaner import Pipeline

    texts = ["Le conseil municipal a voté le budget mardi soir à la mairie de la ville.",
             "Une tout autre histoire sur le football africain hier au stade de la ville.",
             "Le prix du pain a encore augmenté ce mois-ci dans les boulangeries du quartier."]
    pipeline = Pipeline()
    first = pipeline.run([Document(id="", text=texts[0]), Document(id=" ", text=texts[1])]).in_order
    assert [(type(out).__name__, out.id) for out in first] == [("Cleaned", made_id(0, texts[0])),
                                                               ("Cleaned", made_id(1, texts[1]))]
    assert [out.id for out in pipeline.run([Document(id="", text=texts[2])]).kept] == [made_id(0, texts[2])]
    assert clean(Document(id="", text=texts[0])).id == clean({"id": "", "text": texts[0]}).id == made_id(0, texts[0])


def test_deduplicate_and_index_kept_say_what_to_give_them():
    """One prepared document alone, or documents not prepared, failed inside dedup (`'tuple' object has no attribute
    'id'`, `'dict' object has no attribute 'id'`; found by a QA pass): a `TypeError` says what to give, as for `run`."""
    from cleaner import Pipeline

    text = "Le conseil municipal de Lyon a voté mardi soir le budget, après un long débat."
    pipeline = Pipeline()
    cleaned = pipeline.prepare(text)
    for call in (pipeline.deduplicate, pipeline.index_kept):
        with pytest.raises(TypeError, match=r"^give an iterable of documents, not one Cleaned: \[doc\] is a batch"):
            call(cleaned)
        told = (rf"^{call.__name__} takes what prepare_many gives \(a Cleaned or a Rejected each\), not a dict "
                r"\(item 1\): prepare_many\(docs\) first, or run\(docs\)")
        with pytest.raises(TypeError, match=told):
            call([cleaned, {"id": "a", "text": text}])
    assert pipeline.index_kept(pipeline.deduplicate(iter([cleaned]), add=False).in_order) == 1
    assert len(pipeline.dedup.index) == 1
