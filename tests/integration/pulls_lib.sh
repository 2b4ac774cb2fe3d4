# Set-up shared by the pull request tests (hub_pulls.sh, hub_pulls_forms.sh), sourced after lib.sh
# and repos_lib.sh.

# pulls_setup NAME: hub's store NAME with alice, bob and carol, a webhook receiver on loopback
# (its port in $TEST_TMP/receiver.port, what it gets in $TEST_TMP/receiver.log) that hub may post
# to, hub serving, and alice's public repository demo.
pulls_setup() {
	hub_store "$1"
	local tool
	for tool in git python3; do
		command -v "$tool" >/dev/null 2>&1 || bail "the pull request tests need $tool"
	done
	create_user alice
	create_user bob
	create_user carol
	python3 "$IT_DIR/hook_receiver.py" "$TEST_TMP/receiver.port" "$TEST_TMP/receiver.log" &
	own_pid $!
	for _ in $(seq 1 100); do [ -s "$TEST_TMP/receiver.port" ] && break; sleep 0.1; done
	[ -s "$TEST_TMP/receiver.port" ] || bail "the webhook receiver did not start"
	weft_launch hub serve hub --data "$DATA" --hub-listen 127.0.0.1:0 "${HUB_DB[@]}" \
		--webhook-allowed-hosts loopback || bail "weft serve hub did not start"
	create_repo demo false
}
