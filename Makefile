# The two commands of the README: `make demo` and `make test`. Both install into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := .demo
ENDPOINT := GET /users/{user_id}/sessions --summary "Get the sessions of a user" --permission edit_other_users

.PHONY: install test demo bench reliability clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The whole suite; tests/test_reference.py runs the reference server's own suite in a copy.
test: install
	$(BIN)/python -m pytest

# The main job on a fresh copy of the reference server: show the plan, apply it, prove it.
demo: install
	rm -rf $(DEMO)
	$(BIN)/scaffold init $(DEMO)
	@echo
	@echo '== scaffold endpoint add $(ENDPOINT) --dry-run'
	@echo
	$(BIN)/scaffold endpoint add $(ENDPOINT) --repo $(DEMO) --dry-run
	@echo
	@echo '== scaffold endpoint add $(ENDPOINT)'
	@echo
	$(BIN)/scaffold endpoint add $(ENDPOINT) --repo $(DEMO) --yes
	@echo
	@echo '== scaffold docs build'
	@echo
	$(BIN)/scaffold docs build --repo $(DEMO)
	@echo
	@echo '== the new repo'"'"'s own tests: new cases pass, or xfail until the app function is written'
	@echo
	cd $(DEMO) && ../$(BIN)/python -m pytest -q -p no:cacheprovider

# The speed goals, as ratios against the floor (python start + parsing the same files).
# The first run builds a Mattermost-sized repo with scaffold itself (a few minutes).
bench: install
	$(BIN)/python benchmarks/run.py

# The long reliability run: many more generated inputs, faults and conformance examples,
# ending with one table of what was tried and what failed.
reliability: install
	$(BIN)/python -m pytest tests/reliability --reliability -q -p no:cacheprovider

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
