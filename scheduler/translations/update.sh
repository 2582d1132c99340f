#!/bin/sh
# Re-extracts every translatable string and merges it into the bn, id and nl catalogs.
#
#   sh scheduler/translations/update.sh                 # extract + update catalogs + compile (make update-translations)
#   sh scheduler/translations/update.sh --extract-only  # only rewrite messages.pot (make extract-messages)
#
# New strings appear in each messages.po with an empty msgstr (no fuzzy guesses); strings that no longer
# exist in the code are dropped. Translate the empty entries, then run `.venv/bin/pytest tests/i18n`.
set -eu

cd "$(dirname "$0")/../.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
DIR=scheduler/translations
POT="$DIR/messages.pot"
LANGUAGES="bn id nl"

# Keep the keywords and ignored directories in sync with tests/i18n/test_catalogs.py (a test compares them).
# --ignore-dirs: pybabel's default also skips directories starting with "_", such as templates/_macros.
"$PYBABEL" -q extract -F babel.cfg \
    -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2 \
    --ignore-dirs=".* __pycache__ node_modules" \
    --add-comments=TRANSLATORS: --no-location --sort-output \
    --project=scheduler \
    -o "$POT" .

if [ "${1:-}" = "--extract-only" ]; then
    exit 0
fi

for lang in $LANGUAGES; do
    if [ ! -f "$DIR/$lang/LC_MESSAGES/messages.po" ]; then
        "$PYBABEL" -q init -i "$POT" -d "$DIR" -l "$lang"
    fi
done

"$PYBABEL" -q update -i "$POT" -d "$DIR" --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
"$PYBABEL" compile -d "$DIR" --statistics
