# ox_skipped_test(NAME REASON): a test that cannot be built here because a
# tool is missing still appears in ctest's output, as "Skipped" with the
# reason on its output, instead of silently vanishing from the suite.
function(ox_skipped_test name reason)
  add_test(NAME ${name} COMMAND sh -c "echo 'SKIPPED: ${reason}'; exit 77")
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()
