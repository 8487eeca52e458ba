"""National code lists a registrar keeps beside a person: ethnicity (GB/T 3304), political status (GB/T 4762) and
place of origin (生源地, a GB/T 2260 province or county). Stored as codes; accepted as codes or names in either
script (names that do not match directly are folded to Simplified with OpenCC, imported only then)."""

from __future__ import annotations

from functools import lru_cache

from xueji.domain.errors import N_, InvalidData

# code: (Simplified, Traditional)
ETHNICITIES = {
    "01": ("汉族", "漢族"), "02": ("蒙古族", "蒙古族"), "03": ("回族", "回族"), "04": ("藏族", "藏族"),
    "05": ("维吾尔族", "維吾爾族"), "06": ("苗族", "苗族"), "07": ("彝族", "彝族"), "08": ("壮族", "壯族"),
    "09": ("布依族", "布依族"), "10": ("朝鲜族", "朝鮮族"), "11": ("满族", "滿族"), "12": ("侗族", "侗族"),
    "13": ("瑶族", "瑤族"), "14": ("白族", "白族"), "15": ("土家族", "土家族"), "16": ("哈尼族", "哈尼族"),
    "17": ("哈萨克族", "哈薩克族"), "18": ("傣族", "傣族"), "19": ("黎族", "黎族"), "20": ("傈僳族", "傈僳族"),
    "21": ("佤族", "佤族"), "22": ("畲族", "畲族"), "23": ("高山族", "高山族"), "24": ("拉祜族", "拉祜族"),
    "25": ("水族", "水族"), "26": ("东乡族", "東鄉族"), "27": ("纳西族", "納西族"), "28": ("景颇族", "景頗族"),
    "29": ("柯尔克孜族", "柯爾克孜族"), "30": ("土族", "土族"), "31": ("达斡尔族", "達斡爾族"),
    "32": ("仫佬族", "仫佬族"), "33": ("羌族", "羌族"), "34": ("布朗族", "布朗族"), "35": ("撒拉族", "撒拉族"),
    "36": ("毛南族", "毛南族"), "37": ("仡佬族", "仡佬族"), "38": ("锡伯族", "錫伯族"), "39": ("阿昌族", "阿昌族"),
    "40": ("普米族", "普米族"), "41": ("塔吉克族", "塔吉克族"), "42": ("怒族", "怒族"),
    "43": ("乌孜别克族", "烏孜別克族"), "44": ("俄罗斯族", "俄羅斯族"), "45": ("鄂温克族", "鄂溫克族"),
    "46": ("德昂族", "德昂族"), "47": ("保安族", "保安族"), "48": ("裕固族", "裕固族"), "49": ("京族", "京族"),
    "50": ("塔塔尔族", "塔塔爾族"), "51": ("独龙族", "獨龍族"), "52": ("鄂伦春族", "鄂倫春族"),
    "53": ("赫哲族", "赫哲族"), "54": ("门巴族", "門巴族"), "55": ("珞巴族", "珞巴族"), "56": ("基诺族", "基諾族"),
    "97": ("其他", "其他"), "98": ("外国血统中国籍人士", "外國血統中國籍人士"),
}
POLITICAL = {
    "01": ("中国共产党党员", "中國共產黨黨員"), "02": ("中国共产党预备党员", "中國共產黨預備黨員"),
    "03": ("中国共产主义青年团团员", "中國共產主義青年團團員"), "04": ("中国国民党革命委员会会员", "中國國民黨革命委員會會員"),
    "05": ("中国民主同盟盟员", "中國民主同盟盟員"), "06": ("中国民主建国会会员", "中國民主建國會會員"),
    "07": ("中国民主促进会会员", "中國民主促進會會員"), "08": ("中国农工民主党党员", "中國農工民主黨黨員"),
    "09": ("中国致公党党员", "中國致公黨黨員"), "10": ("九三学社社员", "九三學社社員"),
    "11": ("台湾民主自治同盟盟员", "台灣民主自治同盟盟員"), "12": ("无党派人士", "無黨派人士"), "13": ("群众", "群眾"),
}
# The short names admissions files use (Simplified): GB/T 4762's abbreviations and their common forms.
_POLITICAL_SHORT = {
    "中共党员": "01", "党员": "01", "中共预备党员": "02", "预备党员": "02", "共青团员": "03", "团员": "03",
    "民革党员": "04", "民革会员": "04", "民盟盟员": "05", "民建会员": "06", "民进会员": "07", "农工党党员": "08",
    "致公党党员": "09", "九三学社社员": "10", "台盟盟员": "11", "无党派人士": "12", "无党派": "12", "群众": "13",
}
PROVINCES = {
    "11": ("北京市", "北京市"), "12": ("天津市", "天津市"), "13": ("河北省", "河北省"), "14": ("山西省", "山西省"),
    "15": ("内蒙古自治区", "內蒙古自治區"), "21": ("辽宁省", "遼寧省"), "22": ("吉林省", "吉林省"),
    "23": ("黑龙江省", "黑龍江省"), "31": ("上海市", "上海市"), "32": ("江苏省", "江蘇省"), "33": ("浙江省", "浙江省"),
    "34": ("安徽省", "安徽省"), "35": ("福建省", "福建省"), "36": ("江西省", "江西省"), "37": ("山东省", "山東省"),
    "41": ("河南省", "河南省"), "42": ("湖北省", "湖北省"), "43": ("湖南省", "湖南省"), "44": ("广东省", "廣東省"),
    "45": ("广西壮族自治区", "廣西壯族自治區"), "46": ("海南省", "海南省"), "50": ("重庆市", "重慶市"),
    "51": ("四川省", "四川省"), "52": ("贵州省", "貴州省"), "53": ("云南省", "雲南省"), "54": ("西藏自治区", "西藏自治區"),
    "61": ("陕西省", "陝西省"), "62": ("甘肃省", "甘肅省"), "63": ("青海省", "青海省"),
    "64": ("宁夏回族自治区", "寧夏回族自治區"), "65": ("新疆维吾尔自治区", "新疆維吾爾自治區"), "71": ("台湾省", "臺灣省"),
    "81": ("香港特别行政区", "香港特別行政區"), "82": ("澳门特别行政区", "澳門特別行政區"),
}
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # only when a name does not match directly

    return opencc.OpenCC("t2s").convert


@lru_cache(maxsize=8192)
def simplified(text: str) -> str:
    return _to_simplified()(text)


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t").convert


def traditional(text: str) -> str:
    return _to_traditional()(text)


def _index(table: dict, extra: dict | None = None, suffix: str = "") -> dict[str, str]:
    index = {}
    for code, (hans, hant) in table.items():
        for name in (hans, hant):
            index[name] = code
            if suffix and name.endswith(suffix) and len(name) > len(suffix) + 1:
                index[name[:-len(suffix)]] = code
    index.update(extra or {})
    return index


_ETHNICITY_INDEX = _index(ETHNICITIES, suffix="族")
_POLITICAL_INDEX = _index(POLITICAL, _POLITICAL_SHORT)


def _province_index() -> dict[str, str]:
    index = _index(PROVINCES)
    for code, (hans, _) in PROVINCES.items():
        for ending in _PROVINCE_SUFFIXES:
            if hans.endswith(ending):
                index[hans[:-len(ending)]] = code
                break
    return index


_PROVINCE_INDEX = _province_index()


def _lookup(text: str, index: dict[str, str]) -> str | None:
    if text in index:
        return index[text]
    folded = simplified(text)
    return index.get(folded)


def _text(value: str | None) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", value or "").split())


def _coded(value, table: dict, names, field: str, message: str) -> str | None:
    """A two-digit code of ``table`` from its code or one of the name forms ``names(text)`` yields; None if blank."""
    text = _text(value)
    if not text:
        return None
    if text.isdigit() and text.zfill(2) in table:
        return text.zfill(2)
    for index, name in names(text):
        code = _lookup(name, index)
        if code is not None:
            return code
    raise InvalidData.one(field, value, message, value=text)


@lru_cache(maxsize=4096)  # a roster repeats a few dozen values 100 000 times
def ethnicity(value: str | None) -> str | None:
    return _coded(value, ETHNICITIES, lambda t: ((_ETHNICITY_INDEX, t), (_ETHNICITY_INDEX, t + "族")), "ethnicity",
                  N_("{value!r} is not an ethnicity of GB/T 3304 (a code such as 01 or a name such as 漢族)."))


@lru_cache(maxsize=4096)  # a roster repeats a few dozen values 100 000 times
def political(value: str | None) -> str | None:
    return _coded(value, POLITICAL, lambda t: ((_POLITICAL_INDEX, t),), "political",
                  N_("{value!r} is not a political status of GB/T 4762 (a code such as 13 or a name such as 群眾)."))


@lru_cache(maxsize=4096)  # a roster repeats a few dozen values 100 000 times
def region(value: str | None) -> str | None:
    """A province (two digits, or six ending in 0000, or its name) or a county (six digits of the division list)."""
    from xueji.domain.validate import county_exists

    text = _text(value)
    if not text:
        return None
    if text.isdigit() and text.isascii():
        if len(text) == 2 and text in PROVINCES:
            return text + "0000"
        if len(text) == 6 and (text[2:] == "0000" and text[:2] in PROVINCES or county_exists(text)):
            return text
    else:
        code = _lookup(text, _PROVINCE_INDEX)
        if code is not None:
            return code + "0000"
    raise InvalidData.one("region", value, N_("{value!r} is not a place of origin: give a province (name or code, "
                                              "e.g. 廣東 or 440000) or a county code (e.g. 440106)."), value=text)


def label(kind: str, code: str | None, traditional: bool) -> str:
    """The name of a stored code, in the script asked for."""
    if not code:
        return ""
    table = {"ethnicity": ETHNICITIES, "political": POLITICAL}.get(kind)
    if table is not None:
        names = table.get(code)
    else:
        names = PROVINCES.get(code[:2]) if code.endswith("0000") else None
    if names is None:
        return code
    return names[1] if traditional else names[0]
