"""`python -m assistant.checker`: regenerate docs/rules.md and docs/rules.nl.md from the rules."""

from assistant.checker.docs import DOC_FILES, rules_doc_markdown
from assistant.config import PACKAGE_ROOT

for lang, name in DOC_FILES.items():
    target = PACKAGE_ROOT / "docs" / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(rules_doc_markdown(lang), encoding="utf-8")
    print(f"wrote {target}")
