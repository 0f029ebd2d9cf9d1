# The browser UI (web/): Vite builds it into the build directory, cmake/web_embed.c gzips it
# and writes gen/web_assets.c, which `.incbin`s the files into the binary (src/http/static.c
# serves them). npm dependencies are installed by scripts/deps.sh (`npm ci`), not here.
option(XF_WEB "Build the browser UI (needs Node and web/node_modules) and embed it" ON)

find_package(ZLIB REQUIRED)
add_executable(xf_web_embed ${CMAKE_SOURCE_DIR}/cmake/web_embed.c)
target_link_libraries(xf_web_embed PRIVATE ZLIB::ZLIB)

set(XF_WEB_DIR ${CMAKE_SOURCE_DIR}/web)
set(XF_WEB_OUT ${CMAKE_BINARY_DIR}/web)
set(XF_WEB_DIST ${XF_WEB_OUT}/dist)
set(XF_WEB_ASSETS_C ${CMAKE_BINARY_DIR}/gen/web_assets.c)

if(XF_WEB)
  find_program(XF_NODE node REQUIRED)
  set(XF_VITE ${XF_WEB_DIR}/node_modules/vite/bin/vite.js)
  if(NOT EXISTS ${XF_VITE})
    message(FATAL_ERROR "web/node_modules is missing: run `bash scripts/deps.sh` (npm ci in web/),"
                        " or configure with -DXF_WEB=OFF to build without the browser UI")
  endif()
  file(GLOB_RECURSE XF_WEB_SOURCES CONFIGURE_DEPENDS ${XF_WEB_DIR}/src/* ${XF_WEB_DIR}/public/*)
  list(APPEND XF_WEB_SOURCES ${XF_WEB_DIR}/index.html ${XF_WEB_DIR}/m/index.html
       ${XF_WEB_DIR}/vite.config.ts ${XF_WEB_DIR}/package.json
       ${XF_WEB_DIR}/node_modules/.package-lock.json)
  # --configLoader runner: the config is loaded in memory, nothing is written into web/.
  add_custom_command(
    OUTPUT ${XF_WEB_OUT}/dist.stamp
    COMMAND ${XF_NODE} ${XF_VITE} build --configLoader runner --logLevel warn
            --outDir ${XF_WEB_DIST} --emptyOutDir
    COMMAND ${CMAKE_COMMAND} -E touch ${XF_WEB_OUT}/dist.stamp
    WORKING_DIRECTORY ${XF_WEB_DIR}
    DEPENDS ${XF_WEB_SOURCES}
    COMMENT "Building the web UI (vite build)"
    VERBATIM)
  set(XF_WEB_INPUT ${XF_WEB_OUT}/dist.stamp)
else()
  set(XF_WEB_INPUT "")
endif()

add_custom_command(
  OUTPUT ${XF_WEB_ASSETS_C}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/gen ${XF_WEB_OUT}
  COMMAND xf_web_embed ${XF_WEB_ASSETS_C} ${XF_WEB_DIST} ${XF_WEB_OUT}/gz
  DEPENDS xf_web_embed ${XF_WEB_INPUT}
  COMMENT "Embedding the web UI"
  VERBATIM)
