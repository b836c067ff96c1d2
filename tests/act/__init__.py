"""The example workflow run by a real Actions runner: nektos/act over podman's Docker API.

`engine.py` starts podman's Docker-compatible service on a socket in a scratch folder, with a
store of its own (the machine's images are read through it, never written); `workflow.py`
turns the example workflow and this checkout into what act can run without the internet;
`runner.py` runs act and reads its log. tests/integration/test_act.py drives them against the
GitHub test server.
"""
