# The two commands of the README: `make demo` and `make test`. Both install into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := .demo
ENDPOINT := GET '/users/<user_id>/sessions' --summary "Get a user's sessions" --permission edit_other_users

.PHONY: install test demo bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# scaffold's own suite, then the reference server's suite on its own.
test: install
	$(BIN)/python -m pytest
	cd reference && ../$(BIN)/python -m pytest -q -p no:cacheprovider

# The main job on a fresh copy of the reference server: show the plan, apply it, prove it.
demo: install
	rm -rf $(DEMO)
	$(BIN)/scaffold init $(DEMO)
	@echo "\n== scaffold endpoint add $(ENDPOINT) --dry-run\n"
	$(BIN)/scaffold endpoint add $(ENDPOINT) --repo $(DEMO) --dry-run
	@echo "\n== scaffold endpoint add $(ENDPOINT)\n"
	$(BIN)/scaffold endpoint add $(ENDPOINT) --repo $(DEMO) --yes
	@echo "\n== scaffold docs build\n"
	$(BIN)/scaffold docs build --repo $(DEMO)
	@echo "\n== the repo's own tests (new cases pass, or xfail until the app function is written)\n"
	cd $(DEMO) && ../$(BIN)/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
