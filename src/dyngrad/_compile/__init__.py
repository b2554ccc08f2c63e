"""dyngrad.compile: a call captured once as a flat plan of array calls, replayed after.

trace.py     the Traced array and the recorder (NOTE [Capture records array calls])
namespace.py the array factories answered with records while capturing
capture.py   running a call recorded; what it reached and what it changed
guards.py    when a plan may run instead
plan.py      the record made into a generated function with reused buffers
cse.py       repeated calls made once
chains.py    repeated in-place chains made once (a backward repeating its forward)
fuse.py      elementwise runs over big arrays, chunk by chunk
masked.py    masked fix-ups run only when their mask selects anything
codecache.py Python's compile of the generated source, cached by its text
replay.py    cache entries, the forward/backward plans and CompiledFunctionBackward
api.py       compile(), OptimizedModule, reset(), explain()
"""
