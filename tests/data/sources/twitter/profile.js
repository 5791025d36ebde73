window.YTD.profile.part0 = [ {
  "profile" : {
    "description" : {
      "bio" : "Artisan boulangère à Lyon 🥖 &amp; amatrice de vélo",
      "website" : "https://t.co/AbCdEf1234",
      "location" : "Lyon, France"
    },
    "avatarMediaUrl" : "https://pbs.twimg.com/profile_images/1/avatar.jpg",
    "headerMediaUrl" : "https://pbs.twimg.com/profile_banners/1/1600000000"
  }
} ]