# hub's projects and repositories over HTTP: the create form (CSRF, slug rules, inline project,
# README, plan limit), the API (A.4, A.5: create, get, rename with Location, PUT creating, lists
# by permission, delete), settings (details, main branch, access, transfer, delete with the
# trash), redirects of old slugs (301 on pages, followed by the API); every refusal changes
# nothing. Ends with the npm bitbucket client (tests/conformance/bitbucket_repos.mjs).
. "$(dirname "$0")/lib.sh"

hub_store repos
diag "hub's database: ${HUB_DB[1]:-$DATA/hub.db}"
PASSWORD="correct horse battery"

admin() {
	printf '%s\n' "$PASSWORD" | timeout 60 "$WEFT_BIN" hub admin "$@" --data "$DATA" \
		"${HUB_DB[@]}" >"$TEST_TMP/admin.out" 2>"$TEST_TMP/admin.err"
}
for name in alice bob carol; do
	extra=()
	[ "$name" = alice ] && extra=(--admin)
	admin create-user "$name" --email "$name@example.com" "${extra[@]}" ||
		bail "create-user $name: $(cat "$TEST_TMP/admin.err")"
done

weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" ||
	bail "weft serve hub did not start"

csrf_of_body() {
	grep -o 'name="csrf" value="[0-9a-f]*"' "$RESP_BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}
sign_in() {
	local jar=$TEST_TMP/$1.jar token
	req -b "$jar" -c "$jar" "$HUB_URL/login"
	token=$(csrf_of_body)
	req -b "$jar" -c "$jar" --data-urlencode "csrf=$token" --data-urlencode "login=$1" \
		--data-urlencode "password=$PASSWORD" "$HUB_URL/login"
	[ "$RESP_STATUS" = 303 ] || return 1
	req -b "$jar" "$HUB_URL/teams"
	printf -v "CSRF_$1" '%s' "$(csrf_of_body)"
}
get() {
	if [ "$1" = anon ]; then req "$HUB_URL$2"; else req -b "$TEST_TMP/$1.jar" "$HUB_URL$2"; fi
}
post() {
	local name=$1 path=$2 token_var="CSRF_$1" args=()
	shift 2
	args=(--data-urlencode "csrf=${!token_var}")
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	req -b "$TEST_TMP/$name.jar" "${args[@]}" "$HUB_URL$path"
}
# api USER METHOD PATH [JSON]: the API with Basic credentials ("anon": none).
api() {
	local user=$1 method=$2 path=$3 auth=()
	[ "$user" = anon ] || auth=(-u "$user:$PASSWORD")
	if [ $# -ge 4 ]; then
		req "${auth[@]}" -X "$method" -H 'Content-Type: application/json' --data "$4" "$HUB_URL$path"
	else
		req "${auth[@]}" -X "$method" "$HUB_URL$path"
	fi
}
expect_redirect() {
	local location want=${3:-303}
	location=$(resp_header Location) || location=
	if [ "$RESP_STATUS" = "$want" ] && [[ $location == "$HUB_URL$1"* || $location == "$1"* ]]; then
		pass "$2"
	else
		fail "$2" "expected $want to $1, got $RESP_STATUS to '$location'"
	fi
}
# count_repos: how many repositories the site administrator sees through the API, in all.
repo_count() {
	local n=0 ws
	for ws in alice bob acme; do
		api alice GET "/2.0/repositories/$ws?pagelen=100"
		n=$((n + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["size"])' "$RESP_BODY")))
	done
	echo "$n"
}
bare_count() {
	find "$DATA/repos" -mindepth 2 -maxdepth 2 -name '*.git' -type d 2>/dev/null | wc -l
}

sign_in alice || bail "alice cannot sign in"
sign_in bob || bail "bob cannot sign in"
sign_in carol || bail "carol cannot sign in"
post alice /teams/new "name=Acme" "id=acme" "members=bob"
expect_redirect "/acme?notice=created" "alice creates the team acme with bob in Developers"

# --- the create form ---------------------------------------------------------------------------

get alice /
expect_body_contains 'href="/repo/create"' "the top bar offers + Repository to signed-in users"
get anon /
if grep -qF 'href="/repo/create"' "$RESP_BODY"; then fail "no + Repository for anonymous visitors"; else pass "no + Repository for anonymous visitors"; fi
get anon /repo/create
expect_redirect "/login?next=" "anonymous GET /repo/create is sent to sign in"
get alice /repo/create
expect_status 200 "GET /repo/create is 200"
expect_body_contains '<option value="acme"' "the form offers the team alice administers"
expect_body_contains '<option value="alice" selected' "and her own workspace, selected"
expect_body_contains 'value="private" checked' "private is the default access level"
expect_body_contains 'Create new project' "projects can be created inline"
get carol /repo/create
if grep -qF '<option value="acme"' "$RESP_BODY"; then fail "carol, not in acme, is not offered it"; else pass "carol, not in acme, is not offered it"; fi

req -b "$TEST_TMP/alice.jar" --data-urlencode "workspace=alice" --data-urlencode "name=No token" "$HUB_URL/repo/create"
expect_status 403 "POST /repo/create without the CSRF token is 403"
post alice /repo/create "workspace=alice" "name=Foo Bar" "readme=yes" "access=private" "scm=git"
expect_redirect "/alice/foo-bar" "POST /repo/create makes alice/foo-bar and goes there"
[ "$(bare_count)" = 1 ] && pass "one bare repository on disk" || fail "one bare repository on disk" "$(bare_count)"
FOO_DIR=$(find "$DATA/repos" -mindepth 2 -maxdepth 2 -name '*.git' -type d | head -n 1)
if [ "$(git --git-dir="$FOO_DIR" show main:README.md 2>/dev/null | head -n 1)" = "# Foo Bar" ]; then
	pass "Include a README: main has README.md titled with the name"
else
	fail "Include a README: main has README.md titled with the name"
fi
[ "$(git --git-dir="$FOO_DIR" log -1 --format=%an main 2>/dev/null)" = alice ] &&
	pass "the initial commit's author is the creator" || fail "the initial commit's author is the creator"
[ "$(git --git-dir="$FOO_DIR" symbolic-ref HEAD)" = refs/heads/main ] &&
	pass "HEAD is refs/heads/main" || fail "HEAD is refs/heads/main"

# The new repository clones over HTTP (git_http.c serves what the form made).
host=${HUB_URL#http://}
if GIT_TERMINAL_PROMPT=0 timeout 60 git clone -q "http://alice:correct%20horse%20battery@$host/alice/foo-bar.git" \
	"$TEST_TMP/foo-bar-clone" 2>"$TEST_TMP/clone.err" &&
	[ "$(head -n 1 "$TEST_TMP/foo-bar-clone/README.md")" = "# Foo Bar" ] &&
	[ "$(git -C "$TEST_TMP/foo-bar-clone" rev-parse --abbrev-ref HEAD)" = main ]; then
	pass "git clone of the new repository checks out main with README.md"
else
	fail "git clone of the new repository checks out main with README.md" "$(cat "$TEST_TMP/clone.err")"
fi

before=$(repo_count)
post alice /repo/create "workspace=alice" "name=foo-bar"
expect_refused 409 "a repository with this URL already exists" "foo-bar next to Foo Bar is refused (409)"
expect_body_contains 'value="foo-bar"' "the refused form keeps the typed name"
post alice /repo/create "workspace=alice" "name=Settings"
expect_refused 400 "reserved" "a name whose slug is a workspace page is refused"
post alice /repo/create "workspace=alice" "name=!!!"
expect_refused 400 "Name:" "a name without a letter or digit is refused"
post alice /repo/create "workspace=alice" "name=x" "scm=hg"
expect_refused 400 "Git is the only choice" "Mercurial is refused"
post carol /repo/create "workspace=acme" "name=intruder"
expect_refused 404 "Workspace" "carol may not create in acme"
post alice /repo/create "workspace=acme" "name=y" "project=new" "new_project_name=Bad" "new_project_key=bad"
expect_refused 400 "Key:" "an inline project with a lower-case key is refused"
[ "$(repo_count)" = "$before" ] && pass "the refusals created no repository" || fail "the refusals created no repository"
[ "$(bare_count)" = 1 ] && pass "and left no folder behind" || fail "and left no folder behind"

post alice /repo/create "workspace=acme" "name=Rover" "project=new" "new_project_name=Mars" "new_project_key=MARS" "access=public"
expect_redirect "/acme/rover" "creating with an inline project MARS"
api alice GET /2.0/repositories/acme/rover
expect_json 'j["project"]["key"] == "MARS" and j["is_private"] is False' "rover is public, in MARS"
get alice /acme
expect_body_contains 'href="/acme/rover"' "the workspace page lists rover"
expect_body_contains 'MARS' "and the project MARS"
get carol /acme
expect_body_contains 'href="/acme/rover"' "an outsider sees the public repository"
get alice /acme/projects
expect_body_contains 'Mars' "the projects page lists Mars"
post alice /acme/projects "name=Venus" "key=venus"
expect_refused 400 "Key:" "a project key in lower case is refused on the projects page"
post alice /acme/projects "name=Venus" "key=VENUS"
expect_redirect "/acme/projects?notice=project_created" "the projects page creates VENUS"

# auto_add: Developers (bob) may write to a new acme repository
post alice /repo/create "workspace=acme" "name=Private One" "project=VENUS"
expect_redirect "/acme/private-one" "alice creates acme/private-one in VENUS"
api bob GET "/2.0/repositories/acme?role=contributor"
expect_json '"private-one" in [r["slug"] for r in j["values"]]' "bob (Developers, auto_add) contributes to it"
api carol GET /2.0/repositories/acme/private-one
expect_status 404 "an outsider gets 404 on the private repository"
api anon GET /2.0/repositories/acme/private-one
expect_status 404 "anonymous gets 404 on the private repository, as on a missing one"
private_body=$(cat "$RESP_BODY")
api anon GET /2.0/repositories/acme/no-such-one
check "  the same body as for a missing repository" test "$private_body" = "$(cat "$RESP_BODY")"
req "$HUB_URL/acme/private-one"
expect_status 404 "anonymous gets the 404 page for the private repository, no redirect to sign in"

# --- the plan limit ----------------------------------------------------------------------------

post alice /admin/plans "name=Solo" "max_private=1" "max_members="
get alice /admin/plans
PLAN=$(grep -o 'action="/admin/plans/[0-9]*"' "$RESP_BODY" | head -n 1 | tr -dc 0-9)
post alice /admin/plans/assign "team=acme" "plan=$PLAN"
expect_redirect "/admin/plans" "acme gets a plan of one private repository"
post alice /repo/create "workspace=acme" "name=Private Two"
expect_refused 429 "Private repositories" "a second private repository passes the plan"
api alice POST /2.0/repositories/acme/private-two '{"is_private": true}'
expect_status 429 "the API is held to the plan too"
post alice /repo/create "workspace=acme" "name=Public Two" "access=public"
expect_redirect "/acme/public-two" "a public one still fits"

# --- the API -------------------------------------------------------------------------------------

api alice POST /2.0/repositories/alice/Bad-Slug '{}'
expect_status 400 "POST with an upper-case slug is 400"
expect_json 'j["error"]["message"] == "Invalid slug. Slugs must be lowercase, alphanumerical, and may also contain underscores, dashes, or dots."' "with Bitbucket's message"
api alice POST /2.0/repositories/alice/api-repo '{"scm": "git", "is_private": false, "description": "via API", "language": "c"}'
expect_status 200 "POST /2.0/repositories/alice/api-repo is 200"
expect_json 'j["size"] > 0 and j["full_name"] == "alice/api-repo" and j["links"]["clone"][0]["href"].endswith("/alice/api-repo.git") and j["mainbranch"]["name"] == "main" and j["project"]["key"] == "PROJ"' "the repository object: full_name, clone link, mainbranch, default project"
API_UUID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"])' "$RESP_BODY")
api alice POST /2.0/repositories/alice/api-repo '{}'
expect_status 409 "POST of a taken slug is 409"
api alice POST /2.0/repositories/alice/scm-test '{"scm": "hg"}'
expect_status 400 "scm hg is 400"
api alice GET "/2.0/repositories/alice/$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$API_UUID")"
expect_json 'j["slug"] == "api-repo"' "GET by {uuid}"
api anon GET /2.0/repositories/alice
expect_json '[r["slug"] for r in j["values"]] == ["api-repo"]' "anonymous lists only alice's public repository"
api alice GET '/2.0/repositories/alice?q=name+~+%22foo%22'
expect_json '[r["slug"] for r in j["values"]] == ["foo-bar"]' "q= filters"
api alice GET '/2.0/repositories/alice?sort=-slug&pagelen=1'
expect_json 'j["values"][0]["slug"] == "foo-bar" and "next" in j and j["size"] == 2' "sort= and paging"
api anon GET /2.0/repositories
expect_json 'sorted(r["slug"] for r in j["values"]) == ["api-repo", "public-two", "rover"]' "GET /2.0/repositories: the public ones"
api alice PUT /2.0/repositories/alice/api-repo '{"name": "Renamed Repo", "description": "new"}'
expect_status 200 "PUT renaming is 200"
expect_header Location "$HUB_URL/2.0/repositories/alice/renamed-repo" "with the new Location"
api alice GET /2.0/repositories/alice/api-repo
expect_json 'j["slug"] == "renamed-repo" and j["description"] == "new"' "the API follows the old slug"
get alice /alice/api-repo/admin
expect_redirect "/alice/renamed-repo/admin" "a page under the old slug answers 301 to the new one" 301
if GIT_TERMINAL_PROMPT=0 timeout 60 git ls-remote "$HUB_URL/alice/api-repo.git" >/dev/null 2>"$TEST_TMP/ls.err"; then
	pass "git reaches the renamed repository under its old slug"
else
	fail "git reaches the renamed repository under its old slug" "$(cat "$TEST_TMP/ls.err")"
fi
api alice PUT /2.0/repositories/alice/put-made '{"is_private": true}'
expect_status 201 "PUT of an absent repository creates it: 201"
api bob PUT /2.0/repositories/alice/put-made '{"description": "x"}'
expect_status 404 "PUT by someone who cannot see it: 404"
api bob DELETE /2.0/repositories/alice/put-made
expect_status 404 "DELETE by someone who cannot see it: 404"
api alice DELETE '/2.0/repositories/alice/put-made?redirect_to=https%3A%2F%2Fexample.com%2F'
expect_status 204 "DELETE is 204 (redirect_to accepted, and ignored: see repo_api.c)"
api alice GET /2.0/repositories/alice/put-made
expect_status 404 "and the repository is gone"
get alice /alice/put-made
expect_status 404 "its old page answers 404, not a redirect to another site"

# projects API
api alice GET /2.0/workspaces/acme/projects
expect_json 'sorted(p["key"] for p in j["values"]) == ["MARS", "VENUS"]' "GET projects lists MARS and VENUS"
api alice DELETE /2.0/workspaces/acme/projects/MARS
expect_status 409 "DELETE of a project with repositories is 409"
api alice PUT /2.0/workspaces/acme/projects/JUPITER '{"name": "Jupiter"}'
expect_status 201 "PUT of an absent project creates it: 201"
api bob PUT /2.0/workspaces/acme/projects/JUPITER '{"name": "Mine"}'
expect_status 403 "a member who does not administer the team may not change it"
api alice DELETE /2.0/workspaces/acme/projects/JUPITER
expect_status 204 "DELETE of an empty project is 204"

# --- settings ------------------------------------------------------------------------------------

get bob /acme/rover/admin
expect_status 403 "a writer may not open the settings (403)"
get carol /acme/private-one/admin
expect_status 404 "an outsider gets 404 on a private repository's settings"
get alice /acme/rover/admin
expect_status 200 "the settings page is 200 for alice"
post alice /acme/rover/admin "name=Rover" "description=<b>bold</b>" "project=MARS" "mainbranch=a..b" "is_private=1"
expect_refused 400 "Main branch" "an invalid main branch is refused"
api alice GET /2.0/repositories/acme/rover
expect_json 'j["description"] == "" and j["is_private"] is False' "and nothing changed"
post alice /acme/rover/admin "name=Rover" "description=<b>bold</b>" "project=MARS" "mainbranch=main"
expect_redirect "/acme/rover/admin?notice=saved" "the details are saved"
get alice /acme/rover/admin
expect_body_contains '&lt;b&gt;bold&lt;/b&gt;' "the description is escaped"
post alice /alice/foo-bar/admin "name=Foo Bar" "mainbranch=develop" "project=PROJ"
expect_refused 400 "no branch develop" "the main branch must exist once there are commits"
get alice /alice/foo-bar/admin
expect_body_contains '<option value="main" selected>main</option>' "the main branch is chosen among the branches"

# access
api carol GET /2.0/repositories/acme/private-one
expect_status 404 "carol cannot read private-one yet"
post alice /acme/private-one/admin/access "kind=user" "name=carol" "permission=read"
expect_redirect "/acme/private-one/admin/access?notice=access" "alice gives carol read"
api carol GET /2.0/repositories/acme/private-one
expect_status 200 "carol reads it now"
# PUT on an existing repository needs admin on it, not membership of its workspace.
api carol PUT /2.0/repositories/acme/private-one '{"description": "carol was here"}'
expect_status 403 "carol, with read only, may not PUT private-one"
api carol PUT /2.0/repositories/acme/carol-new '{"is_private": true}'
expect_status 404 "carol, outside acme, may not create in it with PUT"
post alice /acme/private-one/admin/access "kind=user" "name=carol" "permission=admin"
expect_redirect "/acme/private-one/admin/access?notice=access" "alice gives carol admin on private-one"
api carol PUT /2.0/repositories/acme/private-one '{"description": "carol was here"}'
expect_status 200 "carol, admin of private-one but not in acme, may PUT it"
expect_json 'j["description"] == "carol was here"' "and the change is made"
post alice /acme/private-one/admin/access "kind=user" "name=carol" "permission=read"
get alice /acme/private-one/admin/access
expect_body_contains 'carol' "the access page lists carol"
expect_body_contains 'id="perm-user-carol" name="permission"><option value="read" selected>' "with read selected in her row"
post alice /acme/private-one/admin/access "kind=user" "name=nobody" "permission=read"
expect_refused 404 "nobody" "an unknown user is refused"
post alice /acme/private-one/admin/access "kind=group" "name=developers" "permission=none"
expect_redirect "/acme/private-one/admin/access?notice=access" "removing Developers' grant"
api bob GET /2.0/repositories/acme/private-one
expect_status 404 "bob no longer reads it"
post alice /acme/private-one/admin/access "kind=user" "name=carol" "permission=none"
api carol GET /2.0/repositories/acme/private-one
expect_status 404 "carol's grant is removed"

# transfer
post alice /alice/foo-bar/admin/transfer "target=bob"
expect_refused 400 "choose a team you administer" "transfer to a workspace alice does not administer is refused"
post alice /repo/create "workspace=alice" "name=rover" "access=public"
post alice /alice/rover/admin/transfer "target=acme"
expect_refused 409 "already has a repository" "transfer onto a taken slug is refused"
post alice /alice/foo-bar/admin/transfer "target=acme"
expect_refused 429 "Private repositories" "a private repository must fit the target's plan"
post alice /alice/foo-bar/admin "name=Foo Bar" "mainbranch=main" "project=PROJ"
expect_redirect "/alice/foo-bar/admin?notice=saved" "foo-bar is made public"
post alice /alice/foo-bar/admin/transfer "target=acme"
expect_redirect "/acme/foo-bar" "alice transfers foo-bar to acme"
api alice GET /2.0/repositories/acme/foo-bar
expect_json 'j["workspace"]["slug"] == "acme" and j["project"]["key"] == "MARS"' "it is in acme, in its oldest project"
get alice /alice/foo-bar/admin
expect_redirect "/acme/foo-bar/admin" "the old address answers 301 to the new one" 301
api bob GET "/2.0/repositories/acme?role=contributor"
expect_json '"foo-bar" in [r["slug"] for r in j["values"]]' "bob writes to it through Developers (auto_add)"
[ "$(git --git-dir="$FOO_DIR" show main:README.md 2>/dev/null | head -n 1)" = "# Foo Bar" ] &&
	pass "the bare repository stayed where it was" || fail "the bare repository stayed where it was"

# delete
post alice /acme/rover/admin/delete "confirm=rover"
expect_refused 400 "to confirm" "delete with the wrong name typed is refused"
api alice GET /2.0/repositories/acme/rover
expect_status 200 "and rover is still there"
post alice /acme/rover/admin/delete "confirm=Rover"
expect_redirect "/acme" "delete with the name typed"
api alice GET /2.0/repositories/acme/rover
expect_status 404 "rover is gone"
[ -n "$(ls -A "$DATA/trash" 2>/dev/null)" ] && pass "its bare repository went to the trash" ||
	fail "its bare repository went to the trash"

# --- app passwords ------------------------------------------------------------------------------

# app_password SCOPE...: a new app password of alice's with those permissions, on stdout.
app_password() {
	local fields=("label=repos $*") scope
	for scope in "$@"; do fields+=("scopes=$scope"); done
	post alice /account/settings/app-passwords "${fields[@]}"
	grep -o '<code class="secret">[0-9a-f]*</code>' "$RESP_BODY" | sed 's/<[^>]*>//g'
}
READ_SECRET=$(app_password repository:read)
ADMIN_SECRET=$(app_password repository:admin)
DELETE_SECRET=$(app_password repository:delete)
req -u "alice:$READ_SECRET" "$HUB_URL/2.0/repositories/acme/private-one"
expect_status 200 "an app password with repository:read reads a repository"
req -u "alice:$READ_SECRET" -X POST -H 'Content-Type: application/json' --data '{}' "$HUB_URL/2.0/repositories/alice/by-app"
expect_status 403 "but may not create one"
expect_body_contains "lacks the repository:admin permission" "the refusal names repository:admin"
req -u "alice:$ADMIN_SECRET" -X POST -H 'Content-Type: application/json' --data '{}' "$HUB_URL/2.0/repositories/alice/by-app"
expect_status 200 "an app password with repository:admin creates one"
req -u "alice:$ADMIN_SECRET" -X DELETE "$HUB_URL/2.0/repositories/alice/by-app"
expect_status 403 "but may not delete it: that is repository:delete (B.1)"
req -u "alice:$ADMIN_SECRET" "$HUB_URL/2.0/repositories/alice/by-app"
expect_status 403 "nor read it: repository:admin does not include repository (B.1)"
req -u "alice:$DELETE_SECRET" -X DELETE "$HUB_URL/2.0/repositories/alice/by-app"
expect_status 204 "an app password with repository:delete deletes it"

# --- the npm bitbucket client --------------------------------------------------------------------

post alice /teams/new "name=Conformance" "id=conf"
run_conformance bitbucket_repos.mjs HUB_URL="$HUB_URL" HUB_USERNAME=alice HUB_PASSWORD="$PASSWORD" \
	HUB_WORKSPACE=conf

# --- a project's page: editing and deleting it ---------------------------------------------------

post alice /acme/projects "name=Saturn" "key=SATURN" "description=rings" "is_private=1"
expect_redirect "/acme/projects?notice=project_created" "alice creates SATURN (private)"
get alice /acme/projects
expect_body_contains 'href="/acme/projects/SATURN"' "the projects page links each project's page"
get alice /acme/projects/SATURN
expect_status 200 "GET /acme/projects/SATURN: 200"
expect_body_contains 'action="/acme/projects/SATURN/delete"' "an administrator of acme sees the delete form"
get bob /acme/projects/SATURN
expect_status 200 "bob, a member of acme, sees the private project"
if grep -qF 'action="/acme/projects/SATURN"' "$RESP_BODY"; then fail "but not its edit form"; else pass "but not its edit form"; fi
get carol /acme/projects/SATURN
expect_status 404 "carol, outside acme, does not see the private project"
post bob /acme/projects/SATURN "name=Bob's" "description=x"
expect_status 403 "bob may not edit it"
post alice /acme/projects/SATURN "name=" "description=x"
expect_refused 400 "Name" "an empty name is refused"
post alice /acme/projects/SATURN "name=Saturn <V>" 'description=<script>alert(1)</script> & rings'
expect_redirect "/acme/projects/SATURN?notice=saved" "alice renames SATURN, makes it public"
get alice /acme/projects/SATURN
expect_body_contains 'Saturn &lt;V&gt;' "the new name, escaped"
expect_body_contains '&lt;script&gt;alert(1)&lt;/script&gt; &amp; rings' "the new description, escaped"
if grep -qF '<script>alert(1)' "$RESP_BODY"; then fail "no script from the description reaches the page"; else pass "no script from the description reaches the page"; fi
api alice GET /2.0/workspaces/acme/projects/SATURN
expect_json 'j["name"] == "Saturn <V>" and j["is_private"] is False' "the API sees the change (public now)"
get carol /acme/projects/SATURN
expect_status 200 "carol now sees the public project"
api alice PUT /2.0/repositories/acme/private-one '{"project": {"key": "SATURN"}}'
expect_status 200 "alice moves acme/private-one into SATURN"
get alice /acme/projects/SATURN
expect_body_contains 'href="/acme/private-one"' "the project's page lists its repository"
get carol /acme/projects/SATURN
if grep -qF 'href="/acme/private-one"' "$RESP_BODY"; then fail "but not to carol, who may not read it"; else pass "but not to carol, who may not read it"; fi
api alice POST /2.0/repositories/acme/saturn-open '{"is_private": false, "project": {"key": "SATURN"}}'
expect_status 200 "alice adds a public repository to SATURN"
get carol /acme/projects/SATURN
expect_body_contains 'href="/acme/saturn-open"' "carol, outside acme, sees SATURN's public repository"
get alice /acme/projects/SATURN
expect_body_contains 'href="/acme/saturn-open"' "alice sees both of SATURN's repositories"
if grep -qF 'href="/acme/private-two"' "$RESP_BODY"; then fail "but none of another project's"; else pass "but none of another project's"; fi
api alice DELETE /2.0/repositories/acme/saturn-open
expect_status 204 "alice deletes saturn-open again"
post alice /acme/projects/SATURN/delete
expect_refused 409 "still has 1 repositories" "deleting a project with repositories is refused, saying why"
api alice GET /2.0/workspaces/acme/projects/SATURN
expect_status 200 "and the project remains"
post bob /acme/projects/SATURN/delete
expect_status 403 "bob may not delete it"
api alice PUT /2.0/repositories/acme/private-one '{"project": {"key": "VENUS"}}'
expect_status 200 "once private-one moves back to VENUS"
post alice /acme/projects/SATURN/delete
expect_redirect "/acme/projects?notice=project_deleted" "the empty project is deleted"
api alice GET /2.0/workspaces/acme/projects/SATURN
expect_status 404 "and is gone"
get alice /acme/projects?notice=project_deleted
expect_body_contains 'Project deleted.' "the projects page says so"

done_testing
