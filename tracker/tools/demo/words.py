"""The words the sample officers write: names, document kinds, results per task, difficulties and
"Dân vận khéo" models, plus the generated city units' names (sample data only)."""

PEOPLE = (
    "Nguyễn Thị Thu Hà",
    "Trần Văn Minh",
    "Lê Hoàng Nam",
    "Phạm Thị Ngọc Ánh",
    "Võ Minh Tâm",
    "Huỳnh Thị Kim Loan",
    "Đặng Quốc Bảo",
    "Bùi Thanh Tùng",
    "Ngô Thị Mỹ Linh",
    "Dương Văn Phúc",
    "Lý Thị Bích Trâm",
    "Châu Minh Khang",
)
DOC_KINDS = (("Kế hoạch", "KH"), ("Báo cáo", "BC"), ("Thông báo", "TB"), ("Công văn", "CV"))
RESULTS = {
    "II.1.a": (
        "Quán triệt Chỉ thị 46-CT/TW về lãnh đạo cuộc bầu cử tại cuộc họp giao ban của đơn vị",
        "Phân công công chức tham gia tổ giúp việc bầu cử; tuyên truyền bầu cử trên trang thông tin",
        "Triển khai nhiệm vụ bảo đảm chính quyền địa phương 02 cấp vận hành thông suốt",
    ),
    "II.1.b": (
        "Tổ chức quán triệt Luật Thực hiện dân chủ ở cơ sở và Nghị định 59/2023/NĐ-CP cho công chức",
        "Phổ biến Quyết định 2579/QĐ-UBND về tiêu chí đánh giá công tác dân vận tại cuộc họp cơ quan",
        "Đăng tải văn bản về công tác dân vận, dân chủ ở cơ sở trên trang thông tin nội bộ",
    ),
    "II.1.c": (
        'Xây dựng dự thảo kế hoạch thực hiện mô hình "Dân vận khéo" của đơn vị',
        "Rà soát, lựa chọn nội dung đăng ký mô hình gắn với nhiệm vụ chuyên môn",
        "Theo dõi, cập nhật kết quả thực hiện mô hình đã đăng ký",
    ),
    "II.2": (
        "Ban hành quyết định kiện toàn Tổ thực hiện công tác dân vận chính quyền",
        "Dự thảo Quy chế thực hiện dân chủ tại cơ quan, lấy ý kiến công chức, viên chức",
        "Phân công lãnh đạo phụ trách và công chức tham mưu công tác dân vận chính quyền",
    ),
    "II.3": (
        "Quán triệt Nghị quyết Đại hội XIV của Đảng đến toàn thể công chức, người lao động",
        "Triển khai chương trình công tác tháng của Văn phòng theo đúng tiến độ",
        "Tham mưu nội dung phục vụ kỳ họp, hội nghị của UBND thành phố",
    ),
    "II.4": (
        "Tổ chức tiếp công dân định kỳ và đột xuất theo lịch",
        "Phối hợp đối thoại với người dân về kiến nghị liên quan đến thủ tục hành chính",
        "Tiếp nhận, phân loại và chuyển đơn thư đúng thẩm quyền, đúng thời hạn",
    ),
    "II.5": (
        "Tổ chức sinh hoạt chuyên đề về đạo đức công vụ, văn hóa công sở",
        "Cử công chức tham gia lớp bồi dưỡng kỹ năng dân vận",
        "Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính trong giờ làm việc",
    ),
    "II.6": (
        "Rà soát, đơn giản hóa thủ tục hành chính thuộc phạm vi quản lý",
        "Cập nhật kết quả cải cách hành chính quý vào phần mềm theo dõi",
        "Triển khai số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    ),
    "III.1": (
        "Tổng hợp kết quả thực hiện Kế hoạch trong tuần gửi Phòng Hành chính - Tổ chức",
        "Rà soát vướng mắc phát sinh, báo cáo Lãnh đạo Văn phòng",
        "Cập nhật báo cáo định kỳ theo biểu mẫu",
    ),
    "III.2.a": (
        'Tổng hợp danh sách mô hình "Dân vận khéo" đăng ký của các phòng, ban, đơn vị',
        "Tham mưu văn bản gửi Sở Nội vụ theo yêu cầu",
        "Hướng dẫn các đơn vị hoàn thiện hồ sơ đề nghị công nhận mô hình",
    ),
    "III.2.b": (
        "Theo dõi, đôn đốc các đơn vị báo cáo đúng hạn",
        "Tổng hợp báo cáo kết quả công tác dân vận chính quyền gửi Sở Nội vụ",
        "Kiểm tra việc thực hiện Kế hoạch tại một số phòng, ban",
    ),
}
ROUTINE = "Tiếp tục triển khai theo kế hoạch"
DIFFICULTIES = (
    (
        "Chưa có hướng dẫn cụ thể về cách chấm một số tiêu chí mới",
        "Đề nghị Phòng Hành chính - Tổ chức hướng dẫn thống nhất cách chấm điểm",
    ),
    (
        "Nhân sự kiêm nhiệm nhiều việc, khó bố trí thời gian tổ chức hội nghị",
        "Đề nghị lồng ghép nội dung vào cuộc họp giao ban định kỳ",
    ),
    (
        "Kinh phí tổ chức tập huấn chưa được bố trí",
        "Đề nghị bổ sung kinh phí trong dự toán quý III",
    ),
    (
        "Phần mềm quản lý văn bản thường xuyên bị lỗi khi số hóa hồ sơ",
        "Đề nghị Trung tâm Công báo - Tin học hỗ trợ kỹ thuật",
    ),
    (
        "Một số đơn thư vượt thẩm quyền, kéo dài",
        "Đề nghị Lãnh đạo Văn phòng chủ trì họp liên ngành",
    ),
    ("Thời gian chuẩn bị cho công tác bầu cử trùng lịch công tác chuyên môn", ""),
)
# The same difficulties as another body's units write them (to their own leaders and
# administrator, not the Office's); the same length, so a seed picks the same ones.
BODY_DIFFICULTIES = tuple(
    (
        content,
        proposal.replace("Phòng Hành chính - Tổ chức", "bộ phận quản trị của cơ quan")
        .replace("Lãnh đạo Văn phòng", "Lãnh đạo cơ quan")
        .replace("Trung tâm Công báo - Tin học", "bộ phận công nghệ thông tin"),
    )
    for content, proposal in DIFFICULTIES
)
PAUSED_RESULT = "Tạm dừng chờ ý kiến chỉ đạo của Lãnh đạo Văn phòng"
BODY_PAUSED_RESULT = "Tạm dừng chờ ý kiến chỉ đạo của Lãnh đạo cơ quan"
MODELS = (
    ("Tiếp dân lưu động tại khu dân cư", "Xây dựng hệ thống chính trị"),
    ("Một cửa thân thiện - nụ cười công sở", "Văn hóa - xã hội"),
    ("Số hóa hồ sơ, trả kết quả tận nhà", "Kinh tế"),
    ("Cán bộ Văn phòng đồng hành cùng hộ nghèo", "Văn hóa - xã hội"),
    ("Tổ hòa giải gắn với tiếp công dân", "Quốc phòng - an ninh"),
    ("Công sở xanh - sạch - văn minh", "Văn hóa - xã hội"),
    ("Zalo kết nối người dân với cơ quan", "Xây dựng hệ thống chính trị"),
    ("Hỗ trợ doanh nghiệp thủ tục trực tuyến", "Kinh tế"),
)
CITY_KINDS = ("Phòng", "Ban", "Trung tâm")
CITY_DOMAINS = ("Nghiệp vụ", "Quản lý", "Dịch vụ", "Hành chính", "Tổng hợp", "Kiểm tra")
# The city-shaped sample (demo --bodies): generated bodies and their units (sample data only).
DEPARTMENTS = (
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Tư pháp",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra thành phố",
    "Ban Quản lý các khu chế xuất và công nghiệp",
)
WARDS = (
    "Ninh Kiều",
    "Cái Khế",
    "Tân An",
    "An Bình",
    "Thới An Đông",
    "Bình Thủy",
    "Long Tuyền",
    "Cái Răng",
    "Hưng Phú",
    "Ô Môn",
    "Phước Thới",
    "Thới Long",
    "Trung Nhứt",
    "Thuận Hưng",
    "Thốt Nốt",
    "Vị Thanh",
    "Ngã Bảy",
    "Long Mỹ",
    "Sóc Trăng",
    "Vĩnh Châu",
)
BODY_UNITS = {
    "so_ban_nganh": (
        ("VPS", "Văn phòng"),
        ("TCCB", "Phòng Tổ chức cán bộ"),
        ("TTR", "Thanh tra"),
        ("KHTC", "Phòng Kế hoạch - Tài chính"),
        ("NV1", "Phòng Nghiệp vụ 1"),
        ("NV2", "Phòng Nghiệp vụ 2"),
        ("NV3", "Phòng Nghiệp vụ 3"),
        ("CC1", "Chi cục chuyên ngành"),
        ("TT1", "Trung tâm dịch vụ công"),
        ("PC", "Phòng Pháp chế"),
        ("QLCL", "Phòng Quản lý chất lượng"),
        ("CDS", "Phòng Chuyển đổi số"),
        ("TH", "Phòng Tổng hợp"),
        ("TT2", "Trung tâm thông tin"),
        ("CC2", "Chi cục quản lý thị trường"),
    ),
    "xa_phuong": (
        ("VPX", "Văn phòng HĐND và UBND"),
        ("KT", "Phòng Kinh tế"),
        ("VHXH", "Phòng Văn hóa - Xã hội"),
        ("TTPV", "Trung tâm Phục vụ hành chính công"),
        ("CA", "Công an"),
        ("QS", "Ban Chỉ huy quân sự"),
        ("MT", "Ủy ban Mặt trận Tổ quốc"),
        ("TP", "Tư pháp - Hộ tịch"),
        ("DC", "Địa chính - Xây dựng"),
        ("TC", "Tài chính - Kế toán"),
        ("LD", "Lao động - Thương binh và Xã hội"),
        ("YT", "Trạm Y tế"),
        ("GD", "Giáo dục"),
        ("NN", "Nông nghiệp - Môi trường"),
        ("KP", "Các khu vực, ấp"),
    ),
}
