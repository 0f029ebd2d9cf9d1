#!/usr/bin/env python3
# Writes handmade.xlsx: a minimal XLSX by hand (not by libxlsxwriter or LibreOffice) that
# exercises what other writers do: prefixed namespaces, a non-default workbook path, a hidden
# first sheet, shared strings with rich runs and phonetic runs, inline strings, _xHHHH_
# escapes, rows and cells without r, gaps, booleans, errors, formula results, styled blanks.
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

parts = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="/xl/book.xml"/></Relationships>',
    "xl/book.xml": f'<?xml version="1.0" encoding="UTF-8"?>'
    f'<x:workbook xmlns:x="{MAIN}" xmlns:rel="{REL}"><x:workbookPr date1904="1"/><x:sheets>'
    '<x:sheet name="Hidden" sheetId="1" state="hidden" rel:id="rId1"/>'
    '<x:sheet name="数据" sheetId="2" rel:id="rId2"/></x:sheets></x:workbook>',
    "xl/_rels/book.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/hidden.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/worksheet" Target="./worksheets/../worksheets/data.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="strings.xml"/></Relationships>',
    "xl/strings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="4">'
    '<si><t>姓名</t></si>'
    '<si><r><rPr><b/></rPr><t>备</t></r><r><t>注</t></r><rPh sb="0" eb="1"><t>ビコウ</t></rPh></si>'
    '<si><t>a_x000D_b</t></si>'
    '<si><t>_x005F_x0041_</t></si></sst>',
    "xl/worksheets/hidden.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>hidden</t></is></c></row></sheetData></worksheet>',
    "xl/worksheets/data.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{MAIN}">'
    '<x:dimension ref="A1:E9"/><x:sheetData>'
    '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>电话</x:t></x:is></x:c>'
    '<x:c r="C1" t="s"><x:v>1</x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>数量</x:t></x:is></x:c></x:row>'
    '<x:row r="2"><x:c r="A2" t="s"><x:v>2</x:v></x:c><x:c r="B2"><x:v>13800138000</x:v></x:c>'
    '<x:c r="C2" t="b"><x:v>1</x:v></x:c><x:c r="D2" t="e"><x:v>#N/A</x:v></x:c></x:row>'
    '<x:row><x:c t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>y</x:t></x:is></x:c></x:row>'
    '<x:row r="5"><x:c r="C5"><x:v>1.5E+3</x:v></x:c><x:c r="E5" t="str"><x:f>"公式"&amp;"结果"</x:f><x:v>公式结果</x:v></x:c></x:row>'
    '<x:row r="7"><x:c r="A7" s="1"/><x:c r="B7" s="1"/></x:row>'
    '<x:row r="8"><x:c r="A8" t="inlineStr"><x:is><x:t xml:space="preserve">  空格  </x:t></x:is></x:c>'
    '<x:c r="B8" t="s"><x:v>3</x:v></x:c></x:row>'
    '<x:row r="9"><x:c r="A9" t="inlineStr"><x:is><x:t>\'=HYPERLINK("x")</x:t></x:is></x:c>'
    '<x:c r="XFD9" s="1"/></x:row>'
    '</x:sheetData></x:worksheet>',
}

with zipfile.ZipFile("handmade.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, text.encode("utf-8"))
