window.YTD.like.part0 = [ {
  "like" : { "tweetId" : "1", "fullText" : "liked", "expandedUrl" : "https://twitter.com/i/web/status/1" }
}, {
  "like" : { "tweetId" : "2", "fullText" : "liked too", "expandedUrl" : "https://twitter.com/i/web/status/2" }
} ]