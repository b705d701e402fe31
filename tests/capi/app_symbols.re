(^|[^A-Za-z])[Dd]emo([^a-z]|$)|[Ss]imulat|[Hh][Tt][Mm][Ll]
