"""torch.futures against torch: results, errors, callbacks (then, add_done_callback),
completing twice, collect_all / wait_all with an error among them, and a result set from
another thread."""
import threading

from side_by_side import assert_same


def _catch(fn):
    try:
        return "ok", fn()
    except Exception as e:
        # (the traceback torch appends to a callback's error names its own files)
        return type(e).__name__, str(e).split("\n\nAt:")[0]


def test_futures():
    def case(lib):
        F = lib.futures
        f = F.Future()
        calls = []
        doubled = f.then(lambda fut: fut.wait() * 2)
        f.add_done_callback(lambda fut: calls.append(fut.value()))
        out = [f.done(), repr(f).split(" at ")[0], doubled.done()]
        f.set_result(3)
        out += [f.done(), f.wait(), f.value(), doubled.wait(), calls,
                _catch(lambda: f.set_result(4)), _catch(lambda: F.Future().set_exception(3))]
        failed = F.Future()
        failed.set_exception(ValueError("bad"))
        out += [_catch(failed.wait), _catch(failed.value), failed.done()]
        k = F.Future()
        raising = k.then(lambda fut: 1 / 0)
        k.set_result(1)
        out += [_catch(raising.wait), raising.done()]
        a, b = F.Future(), F.Future()
        collected = F.collect_all([a, b])
        out.append(collected.done())
        b.set_exception(ValueError("bad"))
        out.append(collected.done())
        a.set_result(lib.ones(2))
        out += [collected.done(), _catch(collected.wait), _catch(lambda: F.wait_all([a, b])),
                _catch(lambda: F.wait_all([a, f]))]
        both = F.collect_all([a, f])
        out += [both.done(), [x.value() for x in both.wait()], F.wait_all([]), F.__all__]
        late = F.Future()
        thread = threading.Thread(target=lambda: late.set_result("late"))
        thread.start()
        out.append(late.wait())
        thread.join()
        return out
    assert_same(case)
