#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes xep-0004.xsd and xep-0050.xsd (beside this script) from the XEPs'
text: the <code> CDATA of their "XML Schema" section, byte for byte, with only
the edits listed in each file's opening comment (each asserted to apply once).
    python3 tests/data/xsd-from-xep.py ../shared/specs   # then: git diff tests/data
"""
import os
import sys
SPECS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'specs')
OUT = os.path.dirname(os.path.abspath(__file__))

def cdata(name):
    data = open('%s/%s.xml' % (SPECS, name), 'rb').read()
    sec = data.index(b"<section1 topic='XML Schema'")
    start = data.index(b'<![CDATA[', sec) + len(b'<![CDATA[')
    return data[start:data.index(b']]>', start)]

def version(name):
    data = open('%s/%s.xml' % (SPECS, name), 'rb').read()
    return data[data.index(b'<version>') + 9:data.index(b'</version>')].decode()

DECL = b"<?xml version='1.0' encoding='UTF-8'?>\n"

def write(name, comment, edits=()):
    text = cdata(name)
    assert text.startswith(b'\n' + DECL), text[:60]
    text = text[1:]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    head = DECL + comment.encode() + b'\n'
    with open('%s/%s.xsd' % (OUT, name), 'wb') as f:
        f.write(head + text[len(DECL):])

N4 = version('xep-0004')
write('xep-0004', """<!--
  The XML Schema of XEP-0004 (Data Forms) version %s, section "XML Schema"
  of ../shared/specs/xep-0004.xml: its <code> CDATA byte for byte, but for
  the CDATA's leading newline (an XML declaration must open the file) and
  this comment. No other edit. The XEP calls it "descriptive, not
  normative"; vigil's integration tests hold every data form vigil sends to
  it (tests/integration/harness.py, class Schemas).
-->""" % N4)

N50 = version('xep-0050')
IMPORT_XML = b"""  <xs:import namespace='http://www.w3.org/XML/1998/namespace'
             schemaLocation='http://www.w3.org/2001/03/xml.xsd'/>
"""
write('xep-0050', """<!--
  The XML Schema of XEP-0050 (Ad-Hoc Commands) version %s, section "XML
  Schema" of ../shared/specs/xep-0050.xml: its <code> CDATA byte for byte,
  but for the CDATA's leading newline (an XML declaration must open the
  file), this comment, and three edits, each marked "vigil:" below:
  1. the import of the xml: namespace names xml.xsd beside this file (a
     hand-written stand-in declaring xml:lang, xml:space and xml:base)
     instead of http://www.w3.org/2001/03/xml.xsd: tests have no network;
  2. an added import of jabber:x:data from xep-0004.xsd beside this file:
     the payload wildcard (xs:any namespace='##other') is strict, so a
     <command/> validates only when its data form's schema is known, and
     the form is then held to XEP-0004's schema too;
  3. the <xs:choice> of <command/>'s children gets minOccurs='0'
     maxOccurs='unbounded': as the XEP writes it, a command has one kind of
     child only, <actions/> or notes or payload, which rejects the XEP's own
     Examples 9, 11 and 15 (<actions/> then <x/>) and every multi-stage
     response. The XEP's text sets no order among <actions/>, <note/> and
     payload (its "Command Payloads": payload order is precedence), so
     none is imposed here.
  vigil's integration tests hold every command payload vigil sends to it
  (tests/integration/harness.py, class Schemas).
-->""" % N50, edits=[
    (IMPORT_XML, b"""  <!-- vigil: 1. schemaLocation was 'http://www.w3.org/2001/03/xml.xsd' -->
  <xs:import namespace='http://www.w3.org/XML/1998/namespace'
             schemaLocation='xml.xsd'/>
  <!-- vigil: 2. added -->
  <xs:import namespace='jabber:x:data' schemaLocation='xep-0004.xsd'/>
"""),
    (b"""  <xs:element name='command'>
    <xs:complexType>
      <xs:choice>
""", b"""  <xs:element name='command'>
    <xs:complexType>
      <!-- vigil: 3. was <xs:choice> -->
      <xs:choice minOccurs='0' maxOccurs='unbounded'>
"""),
])
