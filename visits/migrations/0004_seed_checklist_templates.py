"""Seeds version 1 of the conduct checklist for installations and repairs from
the home-visit rules (docs/rules.md; source references in `source`)."""

from django.db import migrations
from django.utils import timezone

# (code, stage, kind, required, condition, zh, en, source, extra)
COMMON_BEFORE = [
    ("carry_tools", "before_departure", "confirm", True, "always",
     "携带所需工具", "Carrying the tools the job needs", "3.2 (004:L200)", {}),
    ("carry_materials", "before_departure", "confirm", True, "always",
     "携带所需材料", "Carrying the materials the job needs", "3.2 (004:L200)", {}),
    ("carry_work_order", "before_departure", "confirm", True, "always",
     "携带装机单(施工单)", "Carrying the work order (装机单)", "3.2 (004:L200)", {}),
    ("carry_service_card", "before_departure", "confirm", True, "always",
     "携带服务卡", "Carrying service cards (服务卡)", "3.2 (004:L200)", {}),
    ("carry_stationery", "before_departure", "confirm", True, "always",
     "携带必要的文具(含客户签字用笔)", "Carrying stationery, including a pen for the customer",
     "3.2, 8.2 (004:L200, L461)", {}),
    ("uniform_and_badge", "before_departure", "confirm", True, "always",
     "穿着整洁工装,工号牌(工作证)佩戴于左上胸", "Clean uniform, badge or work ID on the upper left chest",
     "3.6-3.7 (004:L417)", {}),
    ("doorbell_knock", "at_the_door", "confirm", True, "always",
     "按门铃每次不超过2秒,敲门轻重适度、有节奏", "Doorbell pressed no longer than 2 s; knocking gentle and regular",
     "3.3 (004:L200)", {}),
    ("peephole_step_back", "at_the_door", "choice", True, "always",
     "门上有猫眼或可视门铃时,敲门后退后一步", "With a peephole or video doorbell, step back one step after knocking",
     "3.4 (004:L200)", {"choices": [
         {"value": "stepped_back", "zh": "已退后一步", "en": "Stepped back"},
         {"value": "no_peephole", "zh": "无猫眼或可视门铃", "en": "No peephole or video doorbell"},
     ]}),
    ("show_work_id", "at_the_door", "confirm", True, "always",
     "开门后出示工作证,说明来意(装机或修障)", "Showed the work ID and stated the purpose (installation or repair)",
     "3.5 (004:L200)", {}),
    ("shoe_covers", "in_the_home", "photo", True, "urban_only",
     "进门换上干净的鞋套(县(市、区)及以上客户必须;乡镇及农村客户按当地习惯)",
     "Clean shoe covers on entering (required for county/city/district-and-above customers; "
     "township and rural: local custom)", "4.1 (004:L208)", {}),
    ("tools_on_work_cloth", "in_the_home", "photo", True, "always",
     "工具放置在工作台布上,轻拿轻放", "Tools laid on the work cloth, handled gently",
     "4.2 (004:L208)", {}),
    ("rooms_accompanied", "in_the_home", "confirm", True, "always",
     "未进入与工作无关的房间;进入卧室、书房时有客户陪同",
     "Entered no unrelated room; bedroom or study only with the customer",
     "4.3 (004:L208)", {}),
    ("consent_items_facilities", "in_the_home", "confirm", True, "always",
     "移动客户物品、使用家中设施前已征得客户同意",
     "Asked the customer's consent before moving items or using household facilities",
     "4.4-4.5 (004:L367)", {}),
]
COMMON_AFTER = [
    ("work_summary", "work", "text", True, "always",
     "施工内容说明", "What was done", "5.8 (000:L372)", {}),
    ("items_put_back", "clean_up", "confirm", True, "always",
     "移动的物品已放回原处", "Moved items put back where they were", "7.2 (004:L461)", {}),
    ("site_clean", "clean_up", "photo", True, "always",
     "使用清洁袋带走现场残留物,场地清洁(工完料净场地清)",
     "Debris taken away in a cleaning bag, site left clean", "7.1, 7.4 (004:L461)", {}),
    ("tools_packed", "clean_up", "confirm", False, "always",
     "工具箱(包)整理整齐", "Tool box or bag packed neatly", "7.3 (004:L461)", {}),
    ("thanked_customer", "departure", "confirm", True, "always",
     "离开时感谢客户使用本公司业务", "Thanked the customer for using the company's services",
     "9.1 (004:L461)", {}),
]
INSTALLATION = [
    ("optical_power_dbm", "work", "number", True, "always",
     "光功率测试值(dBm)", "Measured optical power (dBm)", "1.8 调测 (004:L367)",
     {"min_value": "-40", "max_value": "5"}),
    ("service_tested", "work", "confirm", True, "always",
     "业务已开通并与客户一起测试正常", "Service activated and tested together with the customer",
     "1.8 (004:L367)", {}),
]
REPAIR = [
    ("fault_cause", "work", "choice", True, "always",
     "故障原因", "Cause of the fault", "5.1 (004:L367)", {"choices": [
         {"value": "line", "zh": "线路故障", "en": "Line fault"},
         {"value": "network_equipment", "zh": "局端/网络设备故障", "en": "Network equipment fault"},
         {"value": "customer_terminal", "zh": "客户终端障碍", "en": "Customer's own terminal"},
         {"value": "configuration", "zh": "配置问题", "en": "Configuration"},
         {"value": "other", "zh": "其他", "en": "Other"},
     ]}),
    ("terminal_fault_explained", "work", "confirm", False, "always",
     "如为客户终端障碍:已向客户解释清楚并尽力协助解决,无推卸责任的解释",
     "If the customer's own terminal is at fault: explained clearly and helped, without shifting blame",
     "5.1 (004:L367)", {}),
    ("service_restored", "work", "confirm", True, "always",
     "故障已修复,与客户一起确认业务恢复正常", "Fault fixed; service confirmed working with the customer",
     "5.4", {}),
]


def seed(apps, schema_editor):
    Template = apps.get_model("visits", "ChecklistTemplate")
    Item = apps.get_model("visits", "ChecklistTemplateItem")
    now = timezone.now()
    for kind, name, specific in [
        ("installation", "装机上门服务规范 / Installation visit conduct", INSTALLATION),
        ("repair", "修障上门服务规范 / Repair visit conduct", REPAIR),
    ]:
        template = Template.objects.create(
            name=name, visit_kind=kind, version=1, published_at=now, created_at=now
        )
        rows = [*COMMON_BEFORE, *specific, *COMMON_AFTER]
        Item.objects.bulk_create(
            Item(template=template, code=code, stage=stage, position=(index + 1) * 10,
                 kind=kind_, is_required=required, condition=condition, text_zh=zh,
                 text_en=en, source=source, **extra)
            for index, (code, stage, kind_, required, condition, zh, en, source, extra)
            in enumerate(rows)
        )


def unseed(apps, schema_editor):
    apps.get_model("visits", "ChecklistTemplate").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0003_checklist")]

    operations = [migrations.RunPython(seed, unseed)]
