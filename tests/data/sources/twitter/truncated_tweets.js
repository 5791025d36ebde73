window.YTD.tweets.part0 = [ {
  "tweet" : {
    "id_str" : "1",
    "created_at" : "Wed Oct 10 20:19:24 +0000 2018",
    "full_text" : "first"
  }
}, {
  "tweet" : {
    "id_str" : "2",
    "created_at" : "Wed Oct 10 20:19:24 +0000 2018",
    "full_te