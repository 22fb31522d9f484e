# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
UV     := $(VENV)/bin/uv
UV_VERSION := 0.13.9

.PHONY: setup demo test lint bench clean

setup: $(VENV)/.synced

# uv installs exactly the versions in uv.lock (the ones the tests ran with).
$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) sync --frozen --extra dev --python $(VENV)/bin/python
	touch $@

demo: setup
	$(VENV)/bin/credit-scoring demo

test: setup
	$(VENV)/bin/python -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) data reports .pytest_cache .ruff_cache
