"""A ``salesApiSsi`` response as LinkedIn sends it (float32 noise, pillars by name), shared by
the JSON and saved-page tests."""

PAYLOAD = {
    "activeSeat": False,
    "memberScore": {"overall": 19.705751, "subScores": [
        {"score": 13.118002, "pillar": "PROFESSIONAL_BRAND"},
        {"score": 3.68, "pillar": "FIND_RIGHT_PEOPLE"},
        {"score": 0.29999998, "pillar": "INSIGHT_ENGAGEMENT"},
        {"score": 2.6077502, "pillar": "STRONG_RELATIONSHIP"}]},
    "groupScore": [
        {"groupType": "INDUSTRY", "rank": 75, "score": {"overall": 30.99, "subScores": []}},
        {"groupType": "NETWORK", "rank": 81, "score": {"overall": 32.72, "subScores": []}}],
}
