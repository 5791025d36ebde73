window.YTD.tweets.part0 = [ {
  "tweet" : {
    "retweeted" : false,
    "entities" : {
      "hashtags" : [ { "text" : "boulangerie", "indices" : [ "0", "12" ] } ],
      "symbols" : [ ],
      "user_mentions" : [ ],
      "urls" : [ {
        "url" : "https://t.co/XyZ123abcd",
        "expanded_url" : "https://exemple.fr/pain-au-levain",
        "display_url" : "exemple.fr/pain-au-levain",
        "indices" : [ "52", "75" ]
      } ]
    },
    "favorite_count" : "12",
    "id_str" : "1500000000000000001",
    "retweet_count" : "3",
    "id" : "1500000000000000001",
    "created_at" : "Wed Oct 10 20:19:24 +0000 2018",
    "full_text" : "#boulangerie Nouveau pain &amp; viennoiseries &lt;3 https://t.co/XyZ123abcd",
    "lang" : "fr"
  }
}, {
  "tweet" : {
    "entities" : {
      "hashtags" : [ ],
      "user_mentions" : [ { "screen_name" : "marie_dev", "id_str" : "42", "indices" : [ "3", "13" ] } ],
      "urls" : [ ]
    },
    "favorite_count" : "0",
    "id_str" : "1500000000000000002",
    "retweet_count" : "7",
    "created_at" : "Thu Oct 11 08:00:00 +0200 2018",
    "full_text" : "RT @marie_dev: Nouvelle version du site en ligne !",
    "lang" : "und"
  }
}, {
  "tweet" : {
    "entities" : { "hashtags" : [ ], "user_mentions" : [ { "screen_name" : "marie_dev", "indices" : [ "0", "10" ] } ], "urls" : [ ] },
    "in_reply_to_status_id_str" : "1400000000000000000",
    "in_reply_to_screen_name" : "marie_dev",
    "id_str" : "1500000000000000003",
    "created_at" : "Fri Oct 12 09:30:00 +0000 2018",
    "full_text" : "@marie_dev Merci !",
    "lang" : "in"
  }
}, {
  "tweet" : {
    "created_at" : "Fri Oct 12 09:30:00 +0000 2018",
    "full_text" : "no id here"
  }
}, {
  "tweet" : {
    "id_str" : "1500000000000000005",
    "created_at" : "hier",
    "full_text" : "bad date"
  }
}, {
  "tweet" : {
    "id_str" : "1500000000000000006",
    "created_at" : "Sat Oct 13 10:00:00 +0000 2018",
    "full_text" : "no entities: #velo avec @paul https://exemple.fr"
  }
} ];
