"""限期改进 ("improve") is named by no document (hangzhou-spec 考核与评价 names 续聘、解聘、奖惩 and
调整岗位). Signed-off evaluations keep it as signed: a signed decision is a record and is not
rewritten. Drafts holding it have the decision cleared, so the evaluator chooses one of the
documented decisions before signing off."""

from django.db import migrations


def clear_drafts(apps, schema_editor):
    Evaluation = apps.get_model("evaluation", "Evaluation")
    Evaluation.objects.filter(status="draft", decision="improve").update(decision="")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0004_decisions_as_documented")]

    operations = [migrations.RunPython(clear_drafts, migrations.RunPython.noop)]
