from cqo.audit.models import AuditEntry


def test_it_audits_an_admin_change_of_a_user(client, personas):
    user = personas.county_a
    url = f"/admin/accounts/user/{user.pk}/change/"
    # the system administrator changes the account's name; the security administrator its
    # region (三员分立): each change audited under its author
    client.force_login(personas.admin)
    assert client.get(url).status_code == 200
    data = {"username": user.username, "display_name": "改到市局", "is_active": "on"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.force_login(personas.security)
    response = client.post(url, {"role": "regulator", "region": "610100"})
    assert response.status_code == 302, response.content.decode()[:3000]
    entries = AuditEntry.objects.filter(target_type="user", target_id=str(user.pk), note="admin")
    by_actor = {e.actor_id: e.changes for e in entries}
    assert by_actor[personas.admin.pk]["display_name"][1] == "改到市局"
    assert by_actor[personas.security.pk]["region"][1] == "西安市"


def test_it_keeps_registry_records_read_only_in_admin(client, personas):
    client.force_login(personas.admin)
    ent = personas.enterprise_a
    assert client.get(f"/admin/registry/enterprise/{ent.pk}/change/").status_code == 200
    response = client.post(f"/admin/registry/enterprise/{ent.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    assert client.get("/admin/registry/enterprise/add/").status_code == 403
    ent.refresh_from_db()
    assert ent.name != "改名"
