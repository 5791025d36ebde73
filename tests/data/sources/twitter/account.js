window.YTD.account.part0 = [ {
  "account" : {
    "email" : "camille.test@exemple.fr",
    "createdVia" : "web",
    "username" : "camille_test",
    "accountId" : "1000000001",
    "createdAt" : "2012-03-04T05:06:07.000Z",
    "accountDisplayName" : "Camille Testé"
  }
} ]