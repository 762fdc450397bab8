from cqo.audit.models import AuditEntry


def test_it_audits_an_admin_change_of_a_user(client, personas):
    client.force_login(personas.admin)
    user = personas.county_a
    url = f"/admin/accounts/user/{user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "username": user.username,
        "password": user.password,
        "role": "regulator",
        "region": "610100",
        "display_name": "改到市局",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(target_type="user", target_id=str(user.pk), note="admin")
    assert entry.changes["region"][1] == "西安市"
    assert entry.changes["display_name"][1] == "改到市局"


def test_it_keeps_registry_records_read_only_in_admin(client, personas):
    client.force_login(personas.admin)
    ent = personas.enterprise_a
    assert client.get(f"/admin/registry/enterprise/{ent.pk}/change/").status_code == 200
    response = client.post(f"/admin/registry/enterprise/{ent.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    assert client.get("/admin/registry/enterprise/add/").status_code == 403
    ent.refresh_from_db()
    assert ent.name != "改名"
