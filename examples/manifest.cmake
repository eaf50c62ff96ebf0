# cmake -DWASM=… -DIN=… -DOUT=… -P manifest.cmake: write OUT from IN with
# @COMPRESS_SHA256@ replaced by the SHA-256 of WASM.
file(SHA256 ${WASM} COMPRESS_SHA256)
configure_file(${IN} ${OUT} @ONLY)
