"""The words of the Chinese-English grammar (``zh_en``): nouns with their measure words, verbs with
the kinds of noun they take, time words, places, professions and nationalities.

Every noun has its own measure word (量词): 一只猫, 三本书, 两个人, 一辆车, 一张桌子. A numeral or
demonstrative and its measure word are written as one word (一只, 两本, 那辆), as jieba segments
them. "Two" is 两 before a measure word, never 二.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Noun:
    english: str  # singular
    plural: str
    chinese: str
    measure: str  # 量词
    kind: str  # person, animal, food, readable, vehicle, thing


# "english[:plural] 中文 量词" per entry, grouped by kind
_NOUNS: dict[str, str] = {
    "person": "man:men 男人 个, woman:women 女人 个, child:children 孩子 个, boy 男孩 个, "
    "girl 女孩 个, teacher 老师 位, student 学生 个, doctor 医生 位, friend 朋友 个, "
    "neighbor 邻居 个, farmer 农民 个, driver 司机 个, worker 工人 个, nurse 护士 个, "
    "cook 厨师 个, lawyer 律师 位, singer 歌手 个, writer 作家 位, baby 婴儿 个, guest 客人 位",
    "animal": "cat 猫 只, dog 狗 条, bird 鸟 只, rabbit 兔子 只, horse 马 匹, cow 牛 头, "
    "pig 猪 头, fish:fish 鱼 条, duck 鸭子 只, chicken 鸡 只, tiger 老虎 只, panda 熊猫 只, "
    "monkey 猴子 只, elephant 大象 头, sheep:sheep 羊 只, snake 蛇 条",
    "food": "apple 苹果 个, banana 香蕉 根, orange 橙子 个, egg 鸡蛋 个, cake 蛋糕 块, "
    "pear 梨 个, watermelon 西瓜 个, sandwich:sandwiches 三明治 个, "
    "tomato:tomatoes 西红柿 个, cookie 饼干 块",
    "readable": "book 书 本, magazine 杂志 本, dictionary:dictionaries 词典 本, letter 信 封, "
    "newspaper 报纸 份, map 地图 张",
    "vehicle": "car 车 辆, bicycle 自行车 辆, bus:buses 公共汽车 辆, truck 卡车 辆, "
    "boat 船 条, airplane 飞机 架",
    "thing": "pen 笔 支, pencil 铅笔 支, table 桌子 张, chair 椅子 把, bed 床 张, "
    "photo 照片 张, ticket 票 张, computer 电脑 台, television 电视 台, phone 手机 部, "
    "umbrella 伞 把, knife:knives 刀 把, key 钥匙 把, bag 包 个, box:boxes 盒子 个, "
    "cup 杯子 个, bottle 瓶子 个, bowl 碗 个, shirt 衬衫 件, coat 外套 件, "
    "dress:dresses 裙子 条, hat 帽子 顶, tree 树 棵, flower 花 朵, house 房子 座, "
    "gift 礼物 件, toy 玩具 个, ball 球 个, window 窗户 扇, door 门 扇, clock 钟 个, "
    "picture 画 幅, song 歌 首, movie 电影 部, lamp 灯 盏",
}


def _nouns() -> dict[str, Noun]:
    nouns = {}
    for kind, entries in _NOUNS.items():
        for entry in entries.split(", "):
            english, chinese, measure = entry.split()
            singular, _, plural = english.partition(":")
            nouns[singular] = Noun(singular, plural or singular + "s", chinese, measure, kind)
    return nouns


NOUNS = _nouns()


@dataclass(frozen=True)
class Verb:
    base: str
    third: str
    past: str
    chinese: str
    subjects: tuple[str, ...]  # noun kinds that can be the subject
    objects: tuple[str, ...] = ()  # noun kinds of the object; () for an intransitive verb


_PEOPLE = ("person",)
_LIVING = ("person", "animal")
_ALL = ("person", "animal", "food", "readable", "vehicle", "thing")
_THINGS = ("food", "readable", "vehicle", "thing")

# "base third past 中文" per entry; third and past "-" when regular (+s, +ed)
_VERBS: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {
    (_LIVING, ()): "sleep - slept 睡觉, swim - swam 游泳, run - ran 跑步, play - - 玩",
    (_PEOPLE, ()): "work - - 工作, study studies studied 学习, dance - danced 跳舞, "
    "cry cries cried 哭, laugh - - 笑, rest - - 休息, sing - sang 唱歌, cook - - 做饭",
    (_LIVING, _ALL): "see - saw 看见, like - liked 喜欢",
    (_PEOPLE, _LIVING): "love - loved 爱",
    (_PEOPLE, _PEOPLE): "help - - 帮助, meet - met 遇见, know - knew 认识, visit - - 拜访",
    (_PEOPLE, ("animal",)): "feed - fed 喂",
    (_LIVING, ("food",)): "eat - ate 吃",
    (_PEOPLE, _THINGS): "buy - bought 买, sell - sold 卖, want - - 想要, find - found 找到, "
    "need - - 需要",
    (_PEOPLE, ("readable",)): "read - read 读",
    (_PEOPLE, ("thing", "vehicle")): "wash washes - 洗, borrow - - 借",
}


def _regular(base: str, ending: str) -> str:
    if base.endswith("e") and ending == "ed":
        return base + "d"
    return base + ending


def _verbs() -> dict[str, Verb]:
    verbs = {}
    for (subjects, objects), entries in _VERBS.items():
        for entry in entries.split(", "):
            base, third, past, chinese = entry.split()
            third = _regular(base, "s") if third == "-" else third
            past = _regular(base, "ed") if past == "-" else past
            verbs[chinese] = Verb(base, third, past, chinese, subjects, objects)
    return verbs


VERBS = _verbs()  # keyed by the Chinese verb: "sing" is 唱歌 (intransitive) only

# subject pronoun -> (person, plural, object form, Chinese, possessive)
PRONOUNS = {
    "i": (1, False, "me", "我", "my"),
    "you": (2, False, "you", "你", "your"),
    "he": (3, False, "him", "他", "his"),
    "she": (3, False, "her", "她", "her"),
    "we": (1, True, "us", "我们", "our"),
    "they": (3, True, "them", "他们", "their"),
}
NUMBERS = {"a": "一", "two": "两", "three": "三", "four": "四", "five": "五", "six": "六"}
DEMONSTRATIVES = {"this": "这", "that": "那"}

PAST_TIMES = {
    "yesterday": "昨天",
    "last night": "昨天晚上",
    "last week": "上个星期",
    "last year": "去年",
    "this morning": "今天早上",
}
PRESENT_TIMES = {"every day": "每天", "every morning": "每天早上", "every week": "每个星期"}

# English phrase -> Chinese place (after 在)
PLACES = {
    "in the park": "公园",
    "at school": "学校",
    "at home": "家",
    "in the library": "图书馆",
    "in the kitchen": "厨房",
    "in the garden": "花园",
    "at the store": "商店",
    "at the hospital": "医院",
    "at the office": "办公室",
    "in the classroom": "教室",
    "at the station": "车站",
    "at the zoo": "动物园",
    "at the beach": "海边",
    "at the supermarket": "超市",
    "in the restaurant": "饭馆",
}

JOBS = (
    "teacher", "student", "doctor", "farmer", "driver", "worker", "nurse", "cook", "lawyer",
    "singer", "writer",
)  # fmt: skip
NATIONALITIES = {
    "chinese": "中国人",
    "american": "美国人",
    "british": "英国人",
    "french": "法国人",
    "german": "德国人",
    "japanese": "日本人",
    "korean": "韩国人",
}


def words() -> list[str]:
    """Every Chinese word the grammar writes (numeral or demonstrative + measure as one word):
    the user dictionary that makes jieba segment the task's sentences as the generator does."""
    measures = sorted({noun.measure for noun in NOUNS.values()})
    prefixes = [*NUMBERS.values(), *DEMONSTRATIVES.values()]
    found = [noun.chinese for noun in NOUNS.values()]
    found += [verb.chinese for verb in VERBS.values()]
    found += [chinese for *_, chinese, _ in PRONOUNS.values()]
    found += [prefix + measure for prefix in prefixes for measure in measures]
    found += [*PAST_TIMES.values(), *PRESENT_TIMES.values(), *PLACES.values()]
    found += [*NATIONALITIES.values(), "在", "了", "不", "没", "是", "的", "吗"]
    return list(dict.fromkeys(found))
