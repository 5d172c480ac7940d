# Warnings are errors everywhere. The C runtime also builds for devices, so it is held
# to -pedantic C99; floating-point contraction is off so that float kernels round like
# TFLite Micro's reference build (no fused multiply-add).
function(tinyops_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror -Wpedantic -Wshadow -Wnon-virtual-dtor>
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Werror -pedantic -Wshadow -Wstrict-prototypes>
    -ffp-contract=off)
endfunction()
