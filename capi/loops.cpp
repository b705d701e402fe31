// The generic C surface of the hosted loops (jiceng/loop.hpp): a command by loop and
// event name with a JSON payload, queries returning JSON, and each loop's table, so that
// a new loop adds no hand-written C function. The typed petition calls stay as they are.
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "capi/engine_handle.hpp"
#include "capi/internal.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"

using jc::need_engine;

extern "C" {

jc_status jc_engine_loops_json(char** out, jc_engine* engine) {
  JC_GUARD("jc_engine_loops_json") {
    JC_CHECK(jc::need(out, "jc_engine_loops_json", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_loops_json"));
    boost::json::array a;
    for (const auto& name : engine->engine->loops()) a.emplace_back(boost::json::string(name));
    return jc::out_string(out, boost::json::serialize(a), "jc_engine_loops_json");
  });
}

jc_status jc_engine_loop_table_json(char** out, jc_engine* engine, const char* loop) {
  JC_GUARD("jc_engine_loop_table_json") {
    JC_CHECK(jc::need(out, "jc_engine_loop_table_json", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_loop_table_json"));
    std::string_view name;
    JC_CHECK(jc::text(&name, loop, "jc_engine_loop_table_json", "loop"));
    const jiceng::LoopTable* t = engine->engine->loop_table(name);
    if (t == nullptr) {
      return jc::fail(JC_NOT_FOUND, jc::cat("jc_engine_loop_table_json: no loop \"", name, "\" in this engine"));
    }
    return jc::out_string(out, jiceng::loop_table_json(*t), "jc_engine_loop_table_json");
  });
}

jc_status jc_engine_command(uint64_t* out_item, uint64_t* out_seq, jc_engine* engine, const char* loop,
                            const char* event, uint64_t item, const jc_actor* actor, const char* payload_json,
                            int64_t now) {
  JC_GUARD("jc_engine_command") {
    constexpr const char* fn = "jc_engine_command";
    JC_CHECK(need_engine(engine, fn));
    std::string_view name, ev, payload;
    JC_CHECK(jc::text(&name, loop, fn, "loop"));
    JC_CHECK(jc::text(&ev, event, fn, "event"));
    JC_CHECK(jc::text(&payload, payload_json, fn, "payload_json", true));
    jiceng::LoopCommand c;
    JC_CHECK(jc::actor(&c.actor, actor, fn));
    c.event = ev;
    c.item = item;
    c.payload = payload;
    c.now = now;
    auto r = engine->engine->command(name, c);
    if (!r.ok()) return jc::from_status(r.status(), fn);
    if (out_item != nullptr) *out_item = r->item;
    if (out_seq != nullptr) *out_seq = r->seq;
    return JC_OK;
  });
}

jc_status jc_engine_query(char** out, jc_engine* engine, const char* loop, const char* query,
                          const char* params_json) {
  JC_GUARD("jc_engine_query") {
    constexpr const char* fn = "jc_engine_query";
    JC_CHECK(jc::need(out, fn, "out"));
    JC_CHECK(need_engine(engine, fn));
    std::string_view name, q, params;
    JC_CHECK(jc::text(&name, loop, fn, "loop"));
    JC_CHECK(jc::text(&q, query, fn, "query"));
    JC_CHECK(jc::text(&params, params_json, fn, "params_json", true));
    auto r = engine->engine->query(name, q, params);
    if (!r.ok()) return jc::from_status(r.status(), fn);
    return jc::out_string(out, *r, fn);
  });
}

}  // extern "C"
