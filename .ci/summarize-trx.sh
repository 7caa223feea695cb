#!/usr/bin/env bash
# Summarises Visual Studio TRX files (dotnet test --logger trx).
#
#   .ci/summarize-trx.sh [DIR_OR_FILE...]      (default: TestResults)
#
# Sums the <Counters> of every TRX file, lists failing tests, and ends with exactly one line
#   tests: N passed, N failed, N skipped
# where failed = failed + error + timeout + aborted and skipped = total - passed - failed
# (xunit skips are counted in neither executed nor notExecuted, only in total).
# Exit code: 0 when at least one test ran and none failed; 1 when a test failed;
# 2 when no TRX file was found, a TRX file has no counters, or no test ran.
# Plain bash + awk on purpose: it must run on a bare CI machine without python.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    set -- TestResults
fi

trx_files=()
for target in "$@"; do
    if [ -d "$target" ]; then
        while IFS= read -r -d '' file; do
            trx_files+=("$file")
        done < <(find "$target" -type f -name '*.trx' -print0 | sort -z)
    elif [ -f "$target" ]; then
        trx_files+=("$target")
    fi
done

if [ "${#trx_files[@]}" -eq 0 ]; then
    echo "summarize-trx: no .trx file found in: $*" >&2
    echo "tests: 0 passed, 0 failed, 0 skipped"
    exit 2
fi

# RS="<" makes every XML tag its own record, so attribute order and line breaks do not matter.
awk '
function attr(record, name,    pattern) {
    pattern = "[ \t\r\n]" name "=\"[^\"]*\""
    if (!match(record, pattern)) {
        return ""
    }
    return substr(record, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
}

function unescape(text) {
    gsub(/&lt;/, "<", text)
    gsub(/&gt;/, ">", text)
    gsub(/&quot;/, "\"", text)
    gsub(/&apos;/, "\047", text)
    gsub(/&amp;/, "\\&", text)
    return text
}

BEGIN {
    RS = "<"
    max_listed = 100
}

FNR == 1 {
    file_count++
    run_outcome[FILENAME] = "unknown"
}

/^ResultSummary[ \t\r\n]/ {
    run_outcome[FILENAME] = attr($0, "outcome")
}

/^Counters[ \t\r\n]/ {
    total = attr($0, "total") + 0
    passed = attr($0, "passed") + 0
    failed = attr($0, "failed") + attr($0, "error") + attr($0, "timeout") + attr($0, "aborted")
    skipped = total - passed - failed
    if (skipped < 0) {
        skipped = 0
    }
    all_passed += passed
    all_failed += failed
    all_skipped += skipped
    has_counters[FILENAME] = 1
    printf "  %s: total=%d passed=%d failed=%d skipped=%d run=%s\n", FILENAME, total, passed, failed, skipped, run_outcome[FILENAME]
}

/^UnitTestResult[ \t\r\n]/ {
    outcome = attr($0, "outcome")
    # Per-file tallies stand in for the counters of a file that was cut short.
    if (outcome == "Passed") {
        result_passed[FILENAME]++
    } else if (outcome == "Failed" || outcome == "Error" || outcome == "Timeout" || outcome == "Aborted") {
        result_failed[FILENAME]++
    } else if (outcome != "") {
        result_skipped[FILENAME]++
    }
    if (outcome == "Failed" || outcome == "Error" || outcome == "Timeout" || outcome == "Aborted") {
        failing_count++
        if (failing_count <= max_listed) {
            name = unescape(attr($0, "testName"))
            failing[failing_count] = (outcome == "Failed") ? name : name " [" outcome "]"
        }
    }
}

END {
    for (file in run_outcome) {
        if (!(file in has_counters)) {
            printf "  %s: no <Counters> element (test run cut short?); counted its results: passed=%d failed=%d skipped=%d\n", \
                file, result_passed[file], result_failed[file], result_skipped[file]
            all_passed += result_passed[file]
            all_failed += result_failed[file]
            all_skipped += result_skipped[file]
            broken++
        }
    }
    if (failing_count > 0) {
        print "failing tests:"
        for (i = 1; i <= failing_count && i <= max_listed; i++) {
            print "  " failing[i]
        }
        if (failing_count > max_listed) {
            printf "  ... and %d more\n", failing_count - max_listed
        }
    }
    if (all_passed + all_failed == 0) {
        print "summarize-trx: no test ran"
    }
    printf "tests: %d passed, %d failed, %d skipped\n", all_passed, all_failed, all_skipped
    if (all_failed > 0) {
        exit 1
    }
    if (broken > 0 || all_passed == 0) {
        exit 2
    }
    exit 0
}
' "${trx_files[@]}"
