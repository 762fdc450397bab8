from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("certification", "0008_reviews_closed_before_decisions")]

    operations = [
        migrations.AddConstraint(
            model_name='reviewrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_at__isnull', True), ('outcome', '')), models.Q(('action__isnull', False), ('outcome__in', ['suspend', 'discontinue'])), models.Q(('outcome', 'no_responsibility'), models.Q(('finding_evidence', ''), _negated=True)), ('outcome', 'recorded'), _connector='OR'), name='certification_reviewrequest_closed_by_decision'),
        ),
    ]
