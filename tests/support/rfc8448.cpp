#include "support/rfc8448.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "support/json.h"
#include "support/vectors.h"

namespace mactls::test {

const std::string* Rfc8448Step::value(const std::string& key) const {
  for (const auto& v : values)
    if (v.first == key) return &v.second;
  return nullptr;
}

bool Rfc8448Section::has(const std::string& name) const {
  for (const auto& n : named)
    if (n.first == name) return true;
  return false;
}

Bytes Rfc8448Section::value(const std::string& name) const {
  for (const auto& n : named)
    if (n.first == name) return hex(n.second);
  ADD_FAILURE() << "RFC 8448 §" << id << " lists no value named " << name;
  return Bytes();
}

namespace {

std::string str(const Json* j) { return j && j->is_string() ? j->string : std::string(); }

bool load_section(const std::string& id, const Json& j, Rfc8448Section& s) {
  s.id = id;
  s.title = str(j.find("title"));
  const Json* named = j.find("named");
  const Json* records = j.find("records");
  const Json* steps = j.find("steps");
  if (!named || !named->is_object() || !records || !records->is_array() || !steps ||
      !steps->is_array())
    return false;
  for (const auto& m : named->object) s.named.emplace_back(m.first, m.second.string);
  for (const Json& r : records->array) {
    Rfc8448Record rec;
    rec.party = str(r.find("party"));
    rec.type = str(r.find("type"));
    rec.payload = hex(str(r.find("payload")));
    rec.complete_record = hex(str(r.find("complete_record")));
    s.records.push_back(std::move(rec));
  }
  for (const Json& st : steps->array) {
    Rfc8448Step step;
    step.party = str(st.find("party"));
    step.action = str(st.find("action"));
    if (const Json* v = st.find("values"))
      for (const auto& m : v->object) step.values.emplace_back(m.first, m.second.string);
    s.steps.push_back(std::move(step));
  }
  return true;
}

struct Loaded {
  bool ok = false;
  std::string error;
  std::map<std::string, Rfc8448Section> sections;
};

const Loaded& loaded() {
  static const std::unique_ptr<Loaded> cache = [] {
    auto l = std::make_unique<Loaded>();
    Json root;
    std::string text = read_file(rfc_path("rfc8448_vectors.json"));
    if (!parse_json(text, root, l->error)) return l;
    const Json* sections = root.find("sections");
    if (!sections || !sections->is_object()) {
      l->error = "no \"sections\" object";
      return l;
    }
    for (const auto& m : sections->object) {
      Rfc8448Section s;
      if (!load_section(m.first, m.second, s)) {
        l->error = "malformed section " + m.first;
        return l;
      }
      l->sections.emplace(m.first, std::move(s));
    }
    l->ok = true;
    return l;
  }();
  return *cache;
}

}  // namespace

const Rfc8448Section* rfc8448_section(const std::string& id) {
  const Loaded& l = loaded();
  if (!l.ok) {
    ADD_FAILURE() << "cannot load rfc8448_vectors.json: " << l.error;
    return nullptr;
  }
  auto it = l.sections.find(id);
  if (it == l.sections.end()) {
    ADD_FAILURE() << "rfc8448_vectors.json has no section " << id;
    return nullptr;
  }
  return &it->second;
}

void NamedValueChecker::check(const std::string& name, ByteView computed) {
  ASSERT_TRUE(s_.has(name)) << "RFC 8448 §" << s_.id << " lists no value named " << name;
  EXPECT_EQ(to_hex(computed), to_hex(s_.value(name))) << "RFC 8448 §" << s_.id << " " << name;
  checked_.insert(name);
}

void NamedValueChecker::check_if_listed(const std::string& name, ByteView computed) {
  if (s_.has(name)) check(name, computed);
}

std::vector<std::string> NamedValueChecker::unchecked() const {
  std::vector<std::string> out;
  for (const auto& n : s_.named)
    if (!checked_.count(n.first)) out.push_back(n.first);
  return out;
}

}  // namespace mactls::test
