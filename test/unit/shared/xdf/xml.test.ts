import { describe, expect, it } from 'vitest'
import { childText, decodeEntities, escapeXml, parseXml } from '../../../../src/shared/xdf/xml'

describe('parseXml', () => {
  it('builds a tree, skipping the declaration, comments and doctype', () => {
    const doc = parseXml('<?xml version="1.0"?><!DOCTYPE info><!-- a <comment> --><info><name>EEG</name><desc/><n a="1" b=\'x &amp; y\'>2</n></info>')
    const info = doc.children[0]
    expect(info?.name).toBe('info')
    expect(info?.children.map((c) => c.name)).toEqual(['name', 'desc', 'n'])
    expect(childText(info, 'name')).toBe('EEG')
    expect(childText(info, 'desc')).toBe('')
    expect(info?.children[2]?.attributes).toEqual({ a: '1', b: 'x & y' })
    expect(childText(info, 'missing')).toBeUndefined()
  })

  it('decodes entities and keeps CDATA verbatim', () => {
    const info = parseXml('<info><a>1 &lt; 2 &amp;&amp; &#x41;&#66; &unknown;</a><b><![CDATA[<raw> &amp;]]></b></info>').children[0]
    expect(childText(info, 'a')).toBe('1 < 2 && AB &unknown;')
    expect(childText(info, 'b')).toBe('<raw> &amp;')
  })

  it('tolerates broken documents without throwing', () => {
    const unclosed = parseXml('<info><name>EEG</name><desc><channels>').children[0]
    expect(childText(unclosed, 'name')).toBe('EEG')
    const stray = parseXml('<info></bogus><name>x</name></info>').children[0]
    expect(childText(stray, 'name')).toBe('x')
    const lone = parseXml('<info><v>a < b</v></info>').children[0]
    expect(childText(lone, 'v')).toBe('a < b')
    expect(parseXml('').children).toEqual([])
  })

  it('reads text back that escapeXml wrote', () => {
    const text = `<a href="x">'&'</a> ☃`
    expect(escapeXml(text)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt; ☃')
    expect(decodeEntities(escapeXml(text))).toBe(text)
    expect(childText(parseXml(`<r><t>${escapeXml(text)}</t></r>`).children[0], 't')).toBe(text)
  })
})
