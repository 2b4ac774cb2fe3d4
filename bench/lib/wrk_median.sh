# The median latency of one URL under wrk, sourced by bench/commits.sh and bench/pulls.sh. Needs
# TMP (a scratch directory) and the caller's die().
#
#   wrk_median NAME URL COUNT SECONDS   prints the 50th percentile latency, in ms, of COUNT
#                                       requests over one connection, or of what SECONDS allow,
#                                       whichever ends first; a status other than 200 ends the
#                                       benchmark (NAME says which in the message)

cat >"$TMP/count.lua.in" <<'LUA'
local done_count = 0
response = function(status, headers, body)
	if status ~= 200 then
		io.stderr:write("status " .. status .. "\n")
	end
	done_count = done_count + 1
	if done_count >= @COUNT@ then
		wrk.thread:stop()
	end
end
LUA

wrk_median() {
	sed "s/@COUNT@/$3/" "$TMP/count.lua.in" >"$TMP/count.lua"
	curl -s -o /dev/null "$2" # warm the caches once
	wrk -t1 -c1 -d"$4"s --latency -s "$TMP/count.lua" "$2" >"$TMP/wrk.txt" 2>&1
	if grep -q '^status ' "$TMP/wrk.txt"; then
		echo "$1: $2 answered $(grep -m1 '^status ' "$TMP/wrk.txt")" >&2
		exit 1
	fi
	awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
		printf "%.2f", v }' "$TMP/wrk.txt"
}
