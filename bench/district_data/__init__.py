"""Words the benchmark district is made of: school names, addresses, and the scales."""

# Scale name -> (schools, students, survey responses, school years).
SCALES = {
    "small": (20, 12_000, 20_000, 2),
    "medium": (150, 90_000, 150_000, 3),
    "lausd": (1_000, 600_000, 1_000_000, 5),
}

# Names schools are called after (people, places, trees), combined with a level's suffix.
NAMES = tuple(
    "Alder|Amelia Earhart|Angel Island|Arroyo|Aspen|Bayside|Bear Creek|Bella Vista|Birch|"
    "Blue Ridge|Briarwood|Brookside|Buena Vista|Canyon|Cedar|Chaparral|Clara Barton|Clearwater|"
    "Coral|Cypress|Delta|Dolores Huerta|Eagle Rock|Elm|Fairview|Foothill|Frida Kahlo|Garfield|"
    "Glenwood|Golden Hill|Grant|Hawthorne|Highland|Hillcrest|Jackie Robinson|Jefferson|Juniper|"
    "Kennedy|Lakeview|Laurel|Liberty|Linden|Madison|Magnolia|Manzanita|Maple|Marina|Mesa|"
    "Mission|Monarch|Monroe|Mountain View|Oakwood|Ocean View|Orchard|Palisades|Pacific|"
    "Pine Ridge|Pioneer|Pleasant Valley|Poplar|Rancho|Redwood|Ridgeview|Rio Vista|Rosa Parks|"
    "Sally Ride|Santa Rosa|Seaview|Sierra|Silver Lake|Skyline|Spruce|Stanford|Summit|Sunrise|"
    "Sunset|Sycamore|Terrace|Thurgood Marshall|Toyon|Union|Valley|Verde|Vista|Walnut|"
    "Washington|Westwood|Willow|Wilson|Yosemite".split("|")
)
# Second words for names drawn more than once ("Maple Park Elementary").
PLACES = ("Park", "Avenue", "Heights", "Gardens", "Village", "Hills", "Street", "Grove")
LEVELS = (
    # level, suffix, share of schools, mean enrolment, grades
    ("elementary", "Elementary", 62, 450, "TK–5"),
    ("middle", "Middle School", 18, 800, "6–8"),
    ("high", "High School", 15, 1600, "9–12"),
    ("other", "Continuation High", 5, 180, "9–12"),
)
STREETS = (
    "Main St",
    "Oak Ave",
    "Mission Blvd",
    "Broadway",
    "Figueroa St",
    "Vermont Ave",
    "Sunset Blvd",
    "Western Ave",
    "Olympic Blvd",
    "Pico Blvd",
    "Central Ave",
    "Alameda St",
)
DESCRIPTIONS = {
    "en": "A neighbourhood school of {n} students. Families help set its plan every spring.",
    "es": "Una escuela de barrio con {n} estudiantes. Las familias ayudan a fijar su plan.",
    "zh_Hans": "一所有{n}名学生的社区学校。家长每年春天帮助制定学校计划。",
    "vi": "Một trường khu phố với {n} học sinh. Phụ huynh góp ý kế hoạch mỗi mùa xuân.",
    "ar": "مدرسة حي تضم {n} طالبًا. تساعد العائلات في وضع خطتها كل ربيع.",
}
