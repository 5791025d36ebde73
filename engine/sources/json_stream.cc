#include "sources/json_stream.h"

#include <algorithm>
#include <streambuf>

namespace scrm::sources {
namespace {

using nlohmann::json;

// A read buffer over the source stream that knows how many bytes and lines
// nlohmann's lexer has consumed, and can copy a span of them out. The lexer
// reads through sbumpc(), so bytes consumed == position of the last token's
// end (it never reads ahead except one character after a number).
class CountingBuf : public std::streambuf {
 public:
  explicit CountingBuf(std::istream& src) : src_(src), buf_(64 * 1024) {
    setg(buf_.data(), buf_.data(), buf_.data());
    counted_ = buf_.data();
  }

  int64_t Consumed() const { return base_ + (gptr() - eback()); }
  int64_t Line() {
    CountTo(gptr());
    return 1 + newlines_;
  }
  // Starts copying from the byte just consumed (the '{' or '[' the parser
  // has just reported).
  void StartCapture() {
    capturing_ = true;
    capture_.clear();
    cap_from_ = gptr() - 1;
  }
  std::string StopCapture() {
    if (capturing_) capture_.append(cap_from_, static_cast<const char*>(gptr()));
    capturing_ = false;
    return std::move(capture_);
  }
  bool capturing() const { return capturing_; }

 protected:
  int_type underflow() override {
    CountTo(egptr());
    if (capturing_) capture_.append(cap_from_, static_cast<const char*>(egptr()));
    base_ += egptr() - eback();
    src_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    std::streamsize n = src_.gcount();
    if (n <= 0) {
      setg(buf_.data(), buf_.data(), buf_.data());
      counted_ = cap_from_ = buf_.data();
      return traits_type::eof();
    }
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    counted_ = cap_from_ = buf_.data();
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  void CountTo(const char* p) {
    if (p > counted_) newlines_ += std::count(counted_, p, '\n');
    counted_ = p;
  }

  std::istream& src_;
  std::vector<char> buf_;
  int64_t base_ = 0;  // offset of eback()
  const char* counted_ = nullptr;
  int64_t newlines_ = 0;
  bool capturing_ = false;
  const char* cap_from_ = nullptr;
  std::string capture_;
};

// Builds a DOM from SAX events without recursion.
class DomBuilder {
 public:
  void Reset() {
    root_ = json();
    stack_.clear();
    slot_ = nullptr;
  }
  json* Place(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json* parent = stack_.back();
    if (parent->is_array()) {
      parent->push_back(std::move(v));
      return &parent->back();
    }
    *slot_ = std::move(v);
    return slot_;
  }
  void Open(json v) { stack_.push_back(Place(std::move(v))); }
  void Close() {
    if (!stack_.empty()) stack_.pop_back();
  }
  void Key(const std::string& k) { slot_ = &(*stack_.back())[k]; }
  json& root() { return root_; }
  bool empty_stack() const { return stack_.empty(); }

 private:
  json root_;
  std::vector<json*> stack_;
  json* slot_ = nullptr;
};

class Handler : public nlohmann::json_sax<json> {
 public:
  Handler(CountingBuf& buf, const std::vector<std::string>& keys, const JsonStreamCallbacks& cb,
          JsonStreamResult& result)
      : buf_(buf), keys_(keys), cb_(cb), result_(result) {}

  bool null() override { return Scalar(json(nullptr)); }
  bool boolean(bool v) override { return Scalar(json(v)); }
  bool number_integer(number_integer_t v) override { return Scalar(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Scalar(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Scalar(json(v)); }
  bool string(string_t& v) override { return Scalar(json(std::move(v))); }
  bool binary(binary_t&) override { return true; }

  bool start_object(std::size_t) override {
    if (AtItemStart()) BeginItem();
    Builder().Open(json::object());
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1 && !item_active_) top_key_ = k;
    Builder().Key(k);
    return true;
  }
  bool end_object() override { return EndContainer(); }
  bool start_array(std::size_t) override {
    if (depth_ == 1 && !streaming_ && top_is_object_ &&
        std::find(keys_.begin(), keys_.end(), top_key_) != keys_.end()) {
      // The array itself stays empty in the top-level DOM.
      top_.Place(json::array());
      streaming_ = true;
      depth_ = 2;
      if (cb_.on_items_begin) cb_.on_items_begin(top_.root(), top_key_);
      return true;
    }
    if (AtItemStart()) BeginItem();
    Builder().Open(json::array());
    ++depth_;
    return true;
  }
  bool end_array() override {
    if (streaming_ && depth_ == 2 && !item_active_) {
      streaming_ = false;
      depth_ = 1;
      return true;
    }
    return EndContainer();
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    result_.syntax_error = true;
    result_.error = ex.what();
    result_.error_offset = buf_.Consumed();
    if (item_active_) {
      result_.item_index = index_;
      result_.item_line = item_line_;
      result_.item_offset = item_offset_;
      result_.item_raw = buf_.StopCapture();
    }
    return false;
  }

  void Finish() { result_.top = std::move(top_.root()); }

 private:
  bool AtItemStart() const { return streaming_ && depth_ == 2 && !item_active_; }
  DomBuilder& Builder() { return item_active_ ? item_ : top_; }

  void BeginItem() {
    item_active_ = true;
    item_.Reset();
    item_offset_ = buf_.Consumed() - 1;
    item_line_ = buf_.Line();
    buf_.StartCapture();
  }
  void EmitItem(std::string raw) {
    JsonItem item;
    item.value = std::move(item_.root());
    item.raw = std::move(raw);
    item.offset = item_offset_;
    item.line = item_line_;
    item.index = index_++;
    item_active_ = false;
    item_.Reset();
    ++result_.items;
    if (cb_.on_item) cb_.on_item(std::move(item));
  }
  bool Scalar(json v) {
    if (AtItemStart()) {
      // A bare string or number element (a likes.json URL): one record.
      int64_t end = buf_.Consumed();
      item_active_ = true;
      item_.Reset();
      item_.Place(std::move(v));
      item_line_ = buf_.Line();
      std::string raw = item_.root().dump();
      item_offset_ = std::max<int64_t>(0, end - static_cast<int64_t>(raw.size()));
      EmitItem(std::move(raw));
      return true;
    }
    if (depth_ == 0) top_is_object_ = false;
    Builder().Place(std::move(v));
    return true;
  }
  bool EndContainer() {
    Builder().Close();
    --depth_;
    if (item_active_ && depth_ == 2) EmitItem(buf_.StopCapture());
    return true;
  }

  CountingBuf& buf_;
  const std::vector<std::string>& keys_;
  const JsonStreamCallbacks& cb_;
  JsonStreamResult& result_;
  DomBuilder top_;
  DomBuilder item_;
  int depth_ = 0;
  bool top_is_object_ = true;
  bool streaming_ = false;
  bool item_active_ = false;
  std::string top_key_;
  int64_t index_ = 0;
  int64_t item_offset_ = 0;
  int64_t item_line_ = 0;
};

}  // namespace

JsonStreamResult StreamJson(std::istream& in, const std::vector<std::string>& item_keys,
                            const JsonStreamCallbacks& callbacks) {
  JsonStreamResult result;
  CountingBuf buf(in);
  std::istream counted(&buf);
  Handler handler(buf, item_keys, callbacks, result);
  json::sax_parse(counted, &handler, json::input_format_t::json, /*strict=*/true);
  handler.Finish();
  return result;
}

}  // namespace scrm::sources
