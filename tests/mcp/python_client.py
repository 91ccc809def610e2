"""A third-party MCP client (the official Python SDK) against `jtp mcp serve`.

usage: python_client.py stdio JTP_BINARY DATA_DIR USER
       python_client.py http URL TOKEN

Runs the checks below and prints one line per check, then "N passed, N failed".
Exit status 0 only when every check passed.
"""
import asyncio
import json
import sys

import httpx2
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)


async def tool_error(session, name, arguments):
    """The error text when a call fails: a JSON-RPC error or an isError result."""
    try:
        result = await session.call_tool(name, arguments)
    except Exception as err:  # the SDK raises McpError for JSON-RPC errors
        return str(err) or type(err).__name__
    if result.is_error:
        return " ".join(getattr(c, "text", "") for c in result.content) or "isError"
    return None


async def exercise(session):
    init = await session.initialize()
    check("initialize names the server", init.server_info.name == "jobtrackerpro", init.server_info)

    tools = {t.name: t for t in (await session.list_tools()).tools}
    expected = {"track_application", "update_status", "list_applications", "get_application", "add_note"}
    check("tools/list has the tracker tools", expected <= set(tools), sorted(tools))
    track = tools.get("track_application")
    check("track_application schema requires company",
          track is not None and "company" in track.input_schema.get("required", []), track and track.input_schema)
    check("track_application declares an output schema", track is not None and track.output_schema is not None)
    listing = tools.get("list_applications")
    check("list_applications is annotated read-only",
          listing is not None and listing.annotations is not None and listing.annotations.read_only_hint is True,
          listing and listing.annotations)

    created = await session.call_tool("track_application", {"company": "Stripe", "role": "backend engineer"})
    sc = created.structured_content or {}
    check("track_application creates", sc.get("outcome") == "created", created)
    app_id = (sc.get("application") or {}).get("id")
    again = await session.call_tool("track_application", {"company": "stripe", "role": "Backend Engineer"})
    check("a duplicate is reported, not added",
          (again.structured_content or {}).get("outcome") == "possible_duplicate", again)

    moved = await session.call_tool("update_status", {"application_id": app_id, "status": "interview",
                                                       "scheduled_at": "2030-12-03T10:00:00+01:00"})
    check("update_status moves it", (moved.structured_content or {}).get("status") == "interview", moved)
    detail = await session.call_tool("get_application", {"application_id": app_id})
    timeline = (detail.structured_content or {}).get("timeline", [])
    check("get_application returns the timeline",
          [e.get("kind") for e in timeline] == ["created", "status"]
          and timeline[1].get("scheduled_at", "").startswith("2030-12-03T09:00:00"), timeline)
    listed = await session.call_tool("list_applications", {"status": "interview"})
    check("list_applications filters by status", (listed.structured_content or {}).get("count") == 1, listed)

    err = await tool_error(session, "update_status", {"application_id": "not a number", "status": "interview"})
    check("a wrong argument type is an MCP error", err is not None, err)
    err = await tool_error(session, "update_status", {"application_id": app_id, "status": "hired-ish"})
    check("an unknown status is an MCP error", err is not None, err)
    err = await tool_error(session, "no_such_tool", {})
    check("an unknown tool is an MCP error", err is not None, err)
    err = await tool_error(session, "add_note", {"application_id": app_id, "note": "x" * 5000})
    check("an oversized argument is an MCP error", err is not None and "longer than" in err, err)
    err = await tool_error(session, "get_application", {"application_id": 999999})
    check("another id is not found", err is not None and "no application" in err, err)

    await exercise_reminders(session, app_id)

    resources = {r.uri for r in (await session.list_resources()).resources}
    check("resources/list has applications and pipeline",
          {"tracker://applications", "tracker://pipeline"} <= {str(u) for u in resources}, resources)
    pipeline = await session.read_resource("tracker://pipeline")
    text = pipeline.contents[0].text
    check("the pipeline resource summarises by status", "Interview: 1" in text, text)
    apps = json.loads((await session.read_resource("tracker://applications")).contents[0].text)
    check("the applications resource is JSON", isinstance(apps, list) and apps[0]["company"] == "Stripe", apps)
    try:
        await session.read_resource("tracker://nope")
        check("an unknown resource is an error", False, "read succeeded")
    except Exception:
        check("an unknown resource is an error", True)


async def exercise_reminders(session, app_id):
    tools = {t.name for t in (await session.list_tools()).tools}
    expected = {"create_reminder", "list_reminders", "snooze_reminder", "complete_reminder", "cancel_reminder",
                "set_application_nudges"}
    check("tools/list has the reminder tools", expected <= tools, sorted(tools))
    # 2031-03-29 09:00 in Zurich is CET (+01:00); a day later, across the DST change, it is CEST.
    made = await session.call_tool("create_reminder", {"text": "prepare for the onsite",
                                                       "when": "2031-03-29T09:00:00+01:00",
                                                       "timezone": "Europe/Zurich",
                                                       "application_id": app_id})
    r = made.structured_content or {}
    check("create_reminder keeps the local wall time",
          r.get("local_time") == "2031-03-29T09:00:00" and r.get("due_at") == "2031-03-29T09:00:00+01:00", made)
    snoozed = await session.call_tool("snooze_reminder", {"reminder_id": r.get("id"), "minutes": 1440})
    s = snoozed.structured_content or {}
    check("snoozing 1440 minutes adds elapsed time across the DST change",
          s.get("due_at") == "2031-03-30T10:00:00+02:00", snoozed)
    other = await session.call_tool("create_reminder", {"text": "send the thank-you note",
                                                        "when": "2030-12-04T17:00:00+01:00"})
    listed = await session.call_tool("list_reminders", {})
    listed_all = (listed.structured_content or {}).get("reminders", [])
    ids = [x["id"] for x in listed_all if x["kind"] == "custom"]
    check("list_reminders lists pending reminders soonest first",
          ids == [(other.structured_content or {}).get("id"), r.get("id")], listed)
    kinds = {x["kind"] for x in listed_all}
    check("tracking and an interview planned follow-up, prep and thank-you nudges",
          {"follow_up", "interview_prep", "thank_you"} <= kinds, kinds)

    def automatic(listing):
        return sorted(x["kind"] for x in (listing.structured_content or {}).get("reminders", [])
                      if x["application_id"] == app_id and x["kind"] != "custom")
    stopped = await session.call_tool("set_application_nudges", {"application_id": app_id, "nudges": False})
    check("set_application_nudges stops an application's nudges",
          (stopped.structured_content or {}).get("nudges_stopped_at") is not None, stopped)
    check("none of its automatic nudges is left", automatic(await session.call_tool("list_reminders", {})) == [])
    await session.call_tool("set_application_nudges", {"application_id": app_id, "nudges": True})
    back = automatic(await session.call_tool("list_reminders", {}))
    check("restarting plans them again, for the interview still ahead",
          back == ["follow_up", "interview_prep", "thank_you"], back)
    done = await session.call_tool("complete_reminder", {"reminder_id": r.get("id")})
    check("complete_reminder closes it", (done.structured_content or {}).get("state") == "done", done)
    err = await tool_error(session, "cancel_reminder", {"reminder_id": r.get("id")})
    check("a closed reminder cannot be cancelled", err is not None and "no pending reminder" in err, err)
    err = await tool_error(session, "create_reminder", {"text": "x", "when": "tomorrow-ish"})
    check("a malformed time is an MCP error", err is not None and "RFC 3339" in err, err)
    err = await tool_error(session, "create_reminder", {"text": "x", "when": "2030-12-04T17:00:00+01:00",
                                                        "timezone": "Mars/Olympus"})
    check("an unknown zone is an MCP error", err is not None and "unknown timezone" in err, err)
    # Tuesday 3 Dec 2030, 09:00 → the weekly Monday review starts on Monday 9 Dec.
    weekly = await session.call_tool("create_reminder", {"text": "review my pipeline",
                                                         "when": "2030-12-03T09:00:00+01:00",
                                                         "timezone": "Europe/Zurich",
                                                         "repeat": "FREQ=WEEKLY;BYDAY=MO"})
    w = weekly.structured_content or {}
    check("a repeat rule makes a recurring reminder from its first occurrence",
          w.get("kind") == "recurring" and w.get("local_time") == "2030-12-09T09:00:00"
          and w.get("repeat") == "FREQ=WEEKLY;BYDAY=MO", weekly)
    # New York skips 02:30 on 9 Mar 2031: a series given that wall time keeps it, its first
    # occurrence is at 03:30 EDT.
    yearly = await session.call_tool("create_reminder", {"text": "renew my certification",
                                                         "when": "2031-03-09T02:30",
                                                         "timezone": "America/New_York",
                                                         "repeat": "FREQ=YEARLY"})
    y = yearly.structured_content or {}
    check("a series given a wall time the clocks skip keeps it",
          y.get("local_time") == "2031-03-09T02:30:00" and y.get("due_at") == "2031-03-09T03:30:00-04:00", yearly)
    err = await tool_error(session, "create_reminder", {"text": "x", "when": "2030-12-04T17:00:00+01:00",
                                                        "repeat": "FREQ=MINUTELY"})
    check("a rule repeating more often than daily is refused", err is not None and "at most daily" in err, err)
    # New York's clocks go back on 3 Nov 2030: 01:30 comes twice, and the EST one is kept.
    late = await session.call_tool("create_reminder", {"text": "call Anna", "when": "2030-11-03T01:30:00-05:00",
                                                       "timezone": "America/New_York"})
    check("the instant named is kept when its wall time comes twice",
          (late.structured_content or {}).get("due_at") == "2030-11-03T01:30:00-05:00", late)
    timer = await session.call_tool("create_reminder", {"text": "stretch", "when": "2030-12-04T17:00:00+01:00",
                                                        "keep_instant": True})
    check("a timer says it keeps its instant", (timer.structured_content or {}).get("keeps_instant") is True, timer)
    err = await tool_error(session, "create_reminder", {"text": "x", "when": "2030-12-04T17:00:00+01:00",
                                                        "repeat": "FREQ=DAILY", "keep_instant": True})
    check("a repeating timer is refused", err is not None and "keep_instant" in err, err)
    before = (await session.call_tool("get_nudge_settings", {})).structured_content or {}
    check("nudge settings start at their defaults",
          before.get("quiet_start") == "22:00" and before.get("follow_up_days") == 7, before)
    after = (await session.call_tool("set_nudge_settings", {"quiet_start": "23:30", "prep_hour": 19})).structured_content or {}
    check("set_nudge_settings changes only what it is given",
          after.get("quiet_start") == "23:30" and after.get("quiet_end") == "08:00"
          and after.get("prep_hour") == 19, after)
    err = await tool_error(session, "set_nudge_settings", {"follow_up_days": 1000})
    check("an out-of-range interval is refused", err is not None and "between 1 and" in err, err)


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        binary, data_dir, user = sys.argv[2:5]
        params = StdioServerParameters(command=binary, args=["mcp", "serve", "--stdio", "--user", user],
                                       env={"JTP_DATA_DIR": data_dir})
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await exercise(session)
    else:
        url, token = sys.argv[2:4]
        async with httpx2.AsyncClient() as raw:
            response = await raw.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                      headers={"Accept": "application/json, text/event-stream"})
            check("HTTP without the token is refused with 401", response.status_code == 401, response.status_code)
            response = await raw.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                      headers={"Accept": "application/json, text/event-stream",
                                               "Authorization": "Bearer wrong"})
            check("HTTP with a wrong token is refused with 401", response.status_code == 401, response.status_code)
        client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"})
        async with client:
            async with streamable_http_client(url, http_client=client) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    await exercise(session)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


asyncio.run(main())
